package io.spillway.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.spillway.app.demo.Demo;
import io.spillway.config.ConfigLoader;
import io.spillway.config.LoadResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in a real browser: Debian's chromium, headless, driven through chromedriver by
 * Selenium, against a real appliance with real backends on loopback. Skipped only where
 * {@code /usr/bin/chromium} or {@code /usr/bin/chromedriver} is missing ({@code .ci/run} installs
 * both). Selenium Manager is never asked for anything: the driver and the browser are given.
 *
 * <p>The first case loads a chain that spills and drops, and checks that the charts draw, the
 * counters move, the disable and enable buttons act (in the page and in the API) and the export
 * buttons download the CSV and JSON. The second opens the demo, started beside the first case
 * (it takes seconds), and checks its GSLB hierarchy as a tree.
 *
 * <p>Run with {@code -Ddashboard.screenshot=docs/dashboard.png} to keep the screenshot of the
 * demo's dashboard (charts with data and the GSLB tree) that the second case takes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the demo has had the first case's time to start
class DashboardBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String TOKEN = "browser-test-token";
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    static Path profile;

    @TempDir
    Path dir;

    private static ChromeDriverService service;
    private static ChromeDriver browser;
    /** The demo (its GSLB hierarchy) starts beside the browser and the first case: it takes seconds. */
    private static CompletableFuture<Demo> demo;

    private Appliance appliance;
    private HttpServer backend;
    private final AtomicBoolean loading = new AtomicBoolean(true);
    private ExecutorService load;

    @BeforeAll
    static void startBrowser() throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM), CHROMIUM + " is not installed");
        assumeTrue(Files.isExecutable(CHROMEDRIVER), CHROMEDRIVER + " is not installed");
        demo = CompletableFuture.supplyAsync(() -> {
            try {
                return Demo.start(true, new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile());
        options.setExperimentalOption("prefs", Map.of("download.default_directory",
                Files.createDirectories(profile.resolve("downloads")).toString(), "download.prompt_for_download", false,
                "profile.default_content_setting_values.automatic_downloads", 1)); // the second export too
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1500,1900", "--user-data-dir=" + Files.createDirectories(profile.resolve("chromium")));
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stopBrowser() {
        if (demo != null) {
            demo.thenAccept(Demo::close).orTimeout(30, TimeUnit.SECONDS).join();
        }
        if (browser != null) {
            browser.quit();
        }
        if (service != null) {
            service.stop();
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        loading.set(false);
        if (load != null) {
            load.shutdownNow();
            assertThat(load.awaitTermination(10, TimeUnit.SECONDS)).as("load clients stopped").isTrue();
        }
        if (appliance != null) {
            appliance.close();
        }
        if (backend != null) {
            backend.stop(0);
        }
    }

    @Test
    @Order(1)
    void chartsDrawNumbersMoveAServiceIsDisabledAndEnabledAndTheCountersExported() throws Exception {
        startShop();
        AtomicLong answered = startLoad(10);
        browser.get("http://" + Appliance.hostPort(appliance.adminAddress()) + "/?token=" + TOKEN);
        awaitPoll();

        // the charts draw: canvases with a size, fed with polls, with the series' own colours on them
        until(() -> points("chart-active") >= 3 && points("chart-requests") >= 3);
        for (String chart : List.of("chart-active", "chart-spill", "chart-requests", "chart-response")) {
            List<Long> size = js("const c = document.querySelector('#" + chart + " canvas');"
                    + " return c ? [c.width, c.height] : [0, 0];");
            assertThat(size).as(chart + " canvas size").allSatisfy(v -> assertThat(v).isPositive());
        }
        until(() -> pixelsOf("chart-active", 0x3b82f6) > 20); // shop's active connections
        until(() -> pixelsOf("chart-requests", 0x1f9d55) > 20); // 2xx per second
        // spillovers per second, under drops per second where every spilled client is dropped
        until(() -> pixelsOf("chart-spill", 0x3b82f6) + pixelsOf("chart-spill", 0xd64545) > 20);
        assertThat(answered.get()).isPositive();

        // the numbers move while load runs: shop's 2xx answers and web-1's sessions grow between polls
        long ok = cellNumber("vserver-stats", "shop", 14);
        long sessions = cellNumber("services", "web-1", 8);
        until(() -> cellNumber("vserver-stats", "shop", 14) > ok && cellNumber("services", "web-1", 8) > sessions);
        until(() -> !cell("vserver-stats", "shop", 12).equals("–") && Double.parseDouble(cell("vserver-stats", "shop", 12)) > 0);
        assertThat(cellNumber("vserver-stats", "shop", 5)).as("max sessions").isGreaterThanOrEqualTo(4);
        assertThat(cellNumber("vserver-stats", "shop", 9))
                .as("spillovers").isPositive();
        assertThat(sparklinePoints("shop")).isPositive();

        // disable, then enable web-1 from the page: its state changes there and in the API
        click("web-1", "disable");
        until(() -> cell("services", "web-1", 3).equals("DISABLED"));
        assertThat(apiState("web-1")).isEqualTo("DISABLED");
        click("web-1", "enable");
        until(() -> cell("services", "web-1", 3).equals("UP"));
        assertThat(apiState("web-1")).isEqualTo("UP");
        assertThat(browser.findElement(By.id("status")).getAttribute("class")).isEqualTo("status");

        // the export buttons fetch with the token and hand the answer over as a download
        browser.findElement(By.id("export-csv")).click();
        List<String> csv = Files.readAllLines(download(".csv"));
        assertThat(csv.get(0)).startsWith("type,name,state,active,max_active,limit,total,");
        assertThat(csv).anyMatch(line -> line.startsWith("vserver,shop,UP,"))
                .anyMatch(line -> line.startsWith("service,web-1,UP,"));
        browser.findElement(By.id("export-json")).click();
        JsonNode exported = new ObjectMapper().readTree(download(".json").toFile());
        assertThat(exported.path("vservers").get(0).path("name").asText()).isEqualTo("shop");
        assertThat(exported.path("services")).hasSize(3);
        assertThat(exported.path("gslb").has("sites")).isTrue();
    }

    /**
     * The one download whose name ends with {@code suffix}, once the browser has finished it:
     * under its own name, not empty, and no download of the browser's still in progress.
     */
    private static Path download(String suffix) throws IOException {
        Path downloads = profile.resolve("downloads");
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            List<Path> done = named(downloads, suffix);
            return done.size() == 1 && Files.size(done.get(0)) > 0 && named(downloads, ".crdownload").isEmpty();
        });
        return named(downloads, suffix).get(0);
    }

    private static List<Path> named(Path dir, String suffix) throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).toList();
        }
    }

    @Test
    @Order(2)
    void theDemoShowsItsGslbHierarchyAsATreeBesideItsCharts() throws Exception {
        Demo running = demo.get(30, TimeUnit.SECONDS);
        browser.get("http://" + Appliance.hostPort(running.adminAddress()) + "/?token=" + running.token());
        awaitPoll();
        until(() -> tree().equals(List.of(
                "master|master",
                "aggregator|aggregator-a", "branch|branch-1|UP",
                "aggregator|aggregator-b", "branch|branch-2|UP", "branch|branch-3|UP")));
        String branch1 = js("return [...document.querySelectorAll('#gslb-tree .node')]"
                + ".find(n => n.textContent.includes('branch-1')).textContent;");
        assertThat(branch1).containsPattern("report [0-9]+ ms ago · available [0-9]+/3");
        until(() -> points("chart-active") >= 3 && pixelsOf("chart-active", 0x3b82f6) > 20);
        String keep = System.getProperty("dashboard.screenshot");
        if (keep != null && !keep.isBlank()) {
            until(() -> points("chart-active") >= 20, Duration.ofSeconds(30)); // charts with some history to show
            File shot = browser.getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), Path.of(keep), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    // --- the appliance under test -------------------------------------------------------------

    /**
     * shop (web-1 and web-2, capacity 3 each: threshold 6) spills to shop-overflow (spare-1,
     * capacity 2), which drops what it cannot take; every backend answers after 40 ms.
     */
    private void startShop() throws Exception {
        backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        backend.setExecutor(Executors.newFixedThreadPool(16));
        backend.createContext("/", ex -> {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(40)); // a backend doing some work
            byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        backend.start();
        int port = backend.getAddress().getPort();
        Path file = Files.writeString(dir.resolve("spillway.yaml"), """
                admin: {listen: 127.0.0.1:0, token: %s}
                services:
                  - {name: web-1, address: 127.0.0.1:%d, protocol: http, capacity: 3}
                  - {name: web-2, address: 127.0.0.1:%d, protocol: http, capacity: 3}
                  - {name: spare-1, address: 127.0.0.1:%d, protocol: http, capacity: 2}
                vservers:
                  - name: shop
                    listen: 127.0.0.1:0
                    protocol: http
                    services: [web-1, web-2]
                    spillover: {method: dynamicconnection, backup: shop-overflow}
                  - name: shop-overflow
                    protocol: http
                    services: [spare-1]
                    spillover: {method: dynamicconnection, whenFull: drop}
                """.formatted(TOKEN, port, port, port));
        LoadResult result = ConfigLoader.load(file);
        assertThat(result.errors()).isEmpty();
        appliance = Appliance.start(result.config(), file, 1);
    }

    /**
     * {@code clients} clients sending requests one after another on their own connections, until
     * the test ends (at most 30 s); a client whose connection was dropped waits 20 ms and tries
     * again. Returns the count of answered requests.
     */
    private AtomicLong startLoad(int clients) {
        AtomicLong answered = new AtomicLong();
        URI shop = URI.create("http://" + Appliance.hostPort(appliance.vserverAddress("shop")) + "/");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        load = Executors.newFixedThreadPool(clients);
        List<Future<?>> started = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            started.add(load.submit(() -> {
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(2)).build();
                while (loading.get() && System.nanoTime() < end && !Thread.currentThread().isInterrupted()) {
                    try {
                        client.send(HttpRequest.newBuilder(shop).timeout(Duration.ofSeconds(5)).build(),
                                HttpResponse.BodyHandlers.discarding());
                        answered.incrementAndGet();
                    } catch (IOException e) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // dropped: try again soon
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
        }
        assertThat(started).hasSize(clients);
        return answered;
    }

    private String apiState(String service) throws Exception {
        JsonNode s = new AdminCalls(TOKEN).json(appliance, "/api/v1/services/" + service);
        return s.path("state").asText();
    }

    // --- what the browser shows -----------------------------------------------------------------

    private static void awaitPoll() {
        until(() -> browser.findElement(By.id("status")).getText().startsWith("updated"));
    }

    private static void until(java.util.function.BooleanSupplier condition) {
        until(condition, WAIT);
    }

    private static void until(java.util.function.BooleanSupplier condition, Duration wait) {
        try {
            new WebDriverWait(browser, wait).pollingEvery(Duration.ofMillis(200))
                    .ignoring(StaleElementReferenceException.class).ignoring(NumberFormatException.class)
                    .until(d -> condition.getAsBoolean());
        } catch (TimeoutException e) {
            // what the page showed, for the report: its status line and a screenshot under target/
            try {
                Path shot = Path.of("target", "dashboard-failure-" + System.nanoTime() + ".png");
                Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), shot);
                throw new AssertionError("the page did not get there in " + wait.toSeconds() + " s; status: "
                        + browser.findElement(By.id("status")).getText() + "; screenshot " + shot.toAbsolutePath(), e);
            } catch (IOException io) {
                e.addSuppressed(io);
                throw e;
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T js(String script) {
        return (T) ((JavascriptExecutor) browser).executeScript(script);
    }

    /** How many polls a chart has drawn ({@code data-points} of its box). */
    private static long points(String chart) {
        String n = browser.findElement(By.id(chart)).getAttribute("data-points");
        return n == null ? 0 : Long.parseLong(n);
    }

    /** Pixels of a chart's plot canvas within a small distance of {@code rgb}: a series drawn in that colour. */
    private static long pixelsOf(String chart, int rgb) {
        Number n = js("const c = document.querySelector('#" + chart + " canvas');"
                + " if (!c || !c.width) { return 0; }"
                + " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;"
                + " for (let i = 0; i < d.length; i += 4) {"
                + "   if (d[i + 3] > 200 && Math.abs(d[i] - " + (rgb >> 16) + ") < 40 && Math.abs(d[i + 1] - "
                + ((rgb >> 8) & 0xff) + ") < 40 && Math.abs(d[i + 2] - " + (rgb & 0xff) + ") < 40) { n++; } }"
                + " return n;");
        return n.longValue();
    }

    private static long sparklinePoints(String vserver) {
        String n = js("const c = document.querySelector(\"#vserver-stats tr[data-vserver='" + vserver
                + "'] canvas.spark\"); return c ? c.getAttribute('data-points') : '0';");
        return Long.parseLong(n);
    }

    /**
     * The text of cell {@code column} (1-based) of the row for {@code name} in table body
     * {@code body}, read in one script call: the page replaces its rows every second.
     */
    private static String cell(String body, String name, int column) {
        String attribute = body.equals("services") ? "data-service" : "data-vserver";
        String text = js("const td = document.querySelector(\"#" + body + " tr[" + attribute + "='" + name
                + "'] > td:nth-child(" + column + ")\"); return td ? td.textContent : null;");
        if (text == null) {
            throw new NumberFormatException("no cell " + column + " for " + name + " in #" + body); // ignored by until
        }
        return text.trim();
    }

    private static long cellNumber(String body, String name, int column) {
        return Long.parseLong(cell(body, name, column));
    }

    private static void click(String service, String action) {
        until(() -> {
            WebElement button = browser.findElement(By.cssSelector("#services tr[data-service='" + service
                    + "'] button.toggle"));
            if (!button.getText().equals(action)) {
                return false;
            }
            button.click();
            return true;
        });
    }

    /**
     * The GSLB tree as lines, read in one script call (the page redraws it every second):
     * role|name for each node, with |state for branches.
     */
    private static List<String> tree() {
        return js("return [...document.querySelectorAll('#gslb-tree .node')].map(n => {"
                + " const state = n.querySelector('.badge');"
                + " return n.querySelector('.role').textContent.toLowerCase() + '|' + n.querySelector('b').textContent"
                + " + (state ? '|' + state.textContent : ''); });");
    }
}
