package io.spillway.proxy;

import io.grpc.InsecureServerCredentials;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerTransportFilter;
import io.grpc.Status;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.Attributes;
import io.grpc.stub.ServerCalls;
import io.spillway.testing.TestCertificate;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real gRPC server (grpc-java, its own shaded Netty) with two methods on strings, described by
 * hand rather than by protoc: {@code test.Echo/Unary} answers {@code <request>!} (or
 * {@code NOT_FOUND} for {@code "missing"}, or waits for {@link #release()} for {@code "hold"}),
 * {@code test.Echo/Count} streams {@code <request>-1 .. <request>-3}. It counts the transports
 * (client connections) it accepted.
 */
final class GrpcBackend implements AutoCloseable {

    static final MethodDescriptor.Marshaller<String> TEXT = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
    static final MethodDescriptor<String, String> UNARY = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("test.Echo/Unary")
            .setRequestMarshaller(TEXT).setResponseMarshaller(TEXT).build();
    static final MethodDescriptor<String, String> COUNT = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.SERVER_STREAMING).setFullMethodName("test.Echo/Count")
            .setRequestMarshaller(TEXT).setResponseMarshaller(TEXT).build();

    private final Server server;
    private final AtomicInteger transports = new AtomicInteger();
    private final AtomicInteger held = new AtomicInteger();
    private final CountDownLatch hold = new CountDownLatch(1);

    /** A server in clear text (h2c), or over TLS with {@code cert} (h2 by ALPN), on an ephemeral port. */
    GrpcBackend(TestCertificate cert) throws IOException {
        this(cert, new InetSocketAddress("127.0.0.1", 0));
    }

    /** A server in clear text (h2c), or over TLS with {@code cert} (h2 by ALPN), on {@code address}. */
    GrpcBackend(TestCertificate cert, InetSocketAddress address) throws IOException {
        ServerCredentials credentials = cert == null ? InsecureServerCredentials.create()
                : TlsServerCredentials.create(cert.certificatePem().toFile(), cert.keyPem().toFile());
        ServerServiceDefinition echo = ServerServiceDefinition.builder("test.Echo")
                .addMethod(UNARY, ServerCalls.asyncUnaryCall((request, response) -> {
                    if (request.equals("missing")) {
                        response.onError(Status.NOT_FOUND.withDescription("no such thing").asRuntimeException());
                        return;
                    }
                    if (request.equals("hold")) {
                        held.incrementAndGet();
                        try {
                            hold.await(20, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    response.onNext(request + "!");
                    response.onCompleted();
                }))
                .addMethod(COUNT, ServerCalls.asyncServerStreamingCall((request, response) -> {
                    for (int i = 1; i <= 3; i++) {
                        response.onNext(request + "-" + i);
                    }
                    response.onCompleted();
                }))
                .build();
        server = NettyServerBuilder.forAddress(address, credentials)
                .addService(echo)
                .addTransportFilter(new ServerTransportFilter() {
                    @Override
                    public Attributes transportReady(Attributes attrs) {
                        transports.incrementAndGet();
                        return attrs;
                    }
                })
                .build()
                .start();
    }

    int port() {
        return server.getPort();
    }

    int transports() {
        return transports.get();
    }

    int held() {
        return held.get();
    }

    void release() {
        hold.countDown();
    }

    @Override
    public void close() throws InterruptedException {
        hold.countDown();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
