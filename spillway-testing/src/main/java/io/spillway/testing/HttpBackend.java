package io.spillway.testing;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.SSLContext;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;

/**
 * A real HTTP/1.1 backend for tests, on the JDK's com.sun.net.httpserver (HTTPS with an SSL
 * context). A path given an {@link #answer} answers that status and body (after its delay).
 * Other paths: {@code /} answers the backend's name; {@code /hold} answers it once
 * {@link #releaseHeld()} is called; {@code /echo} answers the request body; {@code /events}
 * sends one server-sent event, and the second once released; {@code /status/N} answers status N;
 * {@code /stream?bytes=N} streams N bytes with chunked encoding. Every answer can be delayed
 * ({@link #delayMillis}) or held as by a stopped process ({@link #hung}). It counts requests,
 * requests in flight (and the most at once) and the distinct connections it saw, and keeps the
 * headers of the last request. A {@link LoopbackServer}: an extension, restartable on its port.
 */
public final class HttpBackend extends LoopbackServer<HttpBackend> {

    static {
        // the JDK server writes a response's head and body separately; without TCP_NODELAY the
        // body waits for the proxy's delayed ACK (40 ms and more), which would blur response times
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** What a path answers. */
    private record Answer(int status, byte[] body, long delayMillis) {
    }

    public final String name;
    private final SSLContext tls;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final Set<String> connections = ConcurrentHashMap.newKeySet();
    private final AtomicReference<Headers> lastHeaders = new AtomicReference<>();
    private volatile CountDownLatch hold = new CountDownLatch(1);
    private volatile long delayMillis;
    private volatile boolean hung;
    private HttpServer server;
    private ExecutorService executor;

    public HttpBackend(String name) {
        this(name, null);
    }

    /** With {@code tls}, an HTTPS backend. */
    public HttpBackend(String name, SSLContext tls) {
        this.name = name;
        this.tls = tls;
    }

    /** {@code path} answers {@code status} and {@code body} from now on. */
    public HttpBackend answer(String path, int status, String body) {
        return answer(path, status, body, 0);
    }

    /** {@code path} answers {@code status} and {@code body} after {@code delayMillis} from now on. */
    public HttpBackend answer(String path, int status, String body, long delayMillis) {
        answers.put(path, new Answer(status, body.getBytes(StandardCharsets.UTF_8), delayMillis));
        return this;
    }

    /** Every answer waits this long first. */
    public HttpBackend delayMillis(long millis) {
        this.delayMillis = millis;
        return this;
    }

    /** While hung, every request waits until {@link #releaseHeld()}, as a stopped (SIGSTOP) process would. */
    public HttpBackend hung(boolean value) {
        this.hung = value;
        return this;
    }

    public int requests() {
        return requests.get();
    }

    /** Requests received and not yet answered: a request leaves as its response starts, before the client can see it. */
    public int inFlight() {
        return inFlight.get();
    }

    public int maxInFlight() {
        return maxInFlight.get();
    }

    public int connections() {
        return connections.size();
    }

    public Headers lastHeaders() {
        return lastHeaders.get();
    }

    public void releaseHeld() {
        hold.countDown();
    }

    public void resetHold() {
        hold = new CountDownLatch(1);
    }

    @Override
    protected int bind(int port) throws IOException {
        InetSocketAddress at = new InetSocketAddress("127.0.0.1", port);
        if (tls == null) {
            server = HttpServer.create(at, 256);
        } else {
            HttpsServer https = HttpsServer.create(at, 256);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            server = https;
        }
        executor = Executors.newFixedThreadPool(48, r -> {
            Thread t = new Thread(r, "backend-" + name);
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        return server.getAddress().getPort();
    }

    /**
     * Stops the server. JDK 17's {@code HttpServer.stop} closes the listening socket at once but
     * then waits up to a second for its dispatcher thread; that wait runs on a daemon thread so
     * that a test does not pay it, and this returns once a connection to the port is refused.
     */
    @Override
    protected void unbind() {
        hold.countDown();
        HttpServer stopping = server;
        ExecutorService threads = executor;
        Thread stopper = new Thread(() -> {
            stopping.stop(0);
            threads.shutdownNow();
        }, "stop-backend-" + name);
        stopper.setDaemon(true);
        stopper.start();
        InetSocketAddress at = stopping.getAddress();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(2)).until(() -> refused(at));
    }

    private static boolean refused(InetSocketAddress at) {
        try (Socket probe = new Socket()) {
            probe.connect(at, 1_000);
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        Arrival arrival = new Arrival();
        requests.incrementAndGet();
        connections.add(ex.getRemoteAddress().toString());
        lastHeaders.set(ex.getRequestHeaders());
        try (ex) {
            String path = ex.getRequestURI().getPath();
            byte[] body = ex.getRequestBody().readAllBytes();
            if (delayMillis > 0) {
                Thread.sleep(delayMillis);
            }
            if (hung || path.equals("/hold")) {
                hold.await(20, TimeUnit.SECONDS);
            }
            ex.getResponseHeaders().set("X-Backend", name);
            Answer answer = answers.get(path);
            if (answer != null) {
                Thread.sleep(answer.delayMillis());
                send(ex, arrival, answer.status(), answer.body());
            } else if (path.equals("/echo")) {
                send(ex, arrival, 200, body);
            } else if (path.equals("/events")) {
                // server-sent events: the first event, then the second only once the test releases it
                ex.getResponseHeaders().set("Content-Type", "text/event-stream");
                arrival.answer(ex, 200, 0);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write("data: first\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    hold.await(20, TimeUnit.SECONDS);
                    out.write("data: second\n\n".getBytes(StandardCharsets.UTF_8));
                }
            } else if (path.startsWith("/status/")) {
                arrival.answer(ex, Integer.parseInt(path.substring("/status/".length())), -1);
            } else if (path.equals("/stream")) {
                long n = Long.parseLong(ex.getRequestURI().getQuery().substring("bytes=".length()));
                arrival.answer(ex, 200, 0);
                byte[] chunk = new byte[16384];
                try (OutputStream out = ex.getResponseBody()) {
                    for (long left = n; left > 0; left -= chunk.length) {
                        out.write(chunk, 0, (int) Math.min(left, chunk.length));
                    }
                }
            } else {
                send(ex, arrival, 200, name.getBytes(StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            arrival.leave();
        }
    }

    /**
     * One request in flight: counted from its arrival until its response starts, so that a client
     * which sends its next request as soon as it has an answer never finds the last one counted.
     */
    private final class Arrival {

        private boolean left;

        Arrival() {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        }

        void answer(HttpExchange ex, int status, long length) throws IOException {
            leave();
            ex.sendResponseHeaders(status, length);
        }

        void leave() {
            if (!left) {
                left = true;
                inFlight.decrementAndGet();
            }
        }
    }

    private static void send(HttpExchange ex, Arrival arrival, int status, byte[] body) throws IOException {
        boolean head = ex.getRequestMethod().equals("HEAD");
        arrival.answer(ex, status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
