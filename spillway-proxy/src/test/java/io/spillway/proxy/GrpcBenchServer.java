package io.spillway.proxy;

import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;

/**
 * The gRPC server of {@code bench/proxy/grpc.sh}: the tests' {@link GrpcBackend} (the same
 * {@code test.Echo} service, {@code Unary} answering {@code <request>!}) in clear text (h2c) on
 * {@code 127.0.0.1:PORT}, until the process is told to stop (SIGTERM). It prints
 * {@code listening 127.0.0.1:PORT} once it accepts calls.
 *
 * <pre>java -cp TEST_CLASSPATH io.spillway.proxy.GrpcBenchServer PORT</pre>
 */
public final class GrpcBenchServer {

    private GrpcBenchServer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: GrpcBenchServer PORT");
            System.exit(2);
        }
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0]));
        GrpcBackend backend = new GrpcBackend(null, address);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                backend.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                stopped.countDown();
            }
        }, "grpc-bench-stop"));
        System.out.println("listening 127.0.0.1:" + backend.port());
        System.out.flush();
        stopped.await();
    }
}
