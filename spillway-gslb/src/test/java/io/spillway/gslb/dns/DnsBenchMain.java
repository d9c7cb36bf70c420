package io.spillway.gslb.dns;

import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.SiteReport;
import io.spillway.core.gslb.SiteTable;
import io.spillway.core.gslb.select.GslbResolver;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.GslbMethod;
import io.spillway.core.model.HostPort;
import io.spillway.transport.Transport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The DNS server of {@code bench/gslb-dns/run.sh}: answers {@code app1..app4.example.com} by
 * least load over three branches, like an aggregator would. Prints {@code READY udp=PORT} once
 * listening and runs until it is terminated (SIGTERM).
 *
 * <p>Arguments: {@code [threads] [port]}; threads 0 (default) means one event loop per core.
 */
public final class DnsBenchMain {

    static final List<String> DOMAINS = List.of("app1.example.com", "app2.example.com", "app3.example.com",
            "app4.example.com");

    private DnsBenchMain() {
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        SiteTable table = new SiteTable(Duration.ofDays(1));
        List<GslbConfig.Domain> domains = new ArrayList<>();
        for (String d : DOMAINS) {
            domains.add(new GslbConfig.Domain(d, GslbMethod.LEASTLOAD, Duration.ofSeconds(5), null, List.of()));
        }
        String[] sites = {"branch-a", "branch-b", "branch-c"};
        for (int i = 0; i < sites.length; i++) {
            List<DomainReport> reports = new ArrayList<>();
            for (String d : DOMAINS) {
                reports.add(new DomainReport(d, "shop", HostPort.parse("10.0.0." + (i + 1) + ":80"), true,
                        100 * (i + 1), 100 * (i + 1) - 10, 10, 0, 0, 5, 5, 0, 0, 2, 2));
            }
            table.apply(new SiteReport(sites[i], "aggregator-1", 1, 1, System.currentTimeMillis(), reports));
        }
        Transport transport = Transport.create(threads);
        DnsServer server = new DnsServer(transport,
                new GslbConfig.Dns(new HostPort("127.0.0.1", port), List.of()), domains, new GslbResolver(domains, table));
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            transport.close();
            stop.countDown();
        }));
        server.start();
        System.out.println("READY udp=" + server.udpAddress().getPort() + " epoll=" + transport.isEpoll());
        System.out.flush();
        stop.await();
    }
}
