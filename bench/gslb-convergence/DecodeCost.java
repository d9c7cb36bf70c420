import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.spillway.core.gslb.DomainLoad;
import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.ResourceUse;
import io.spillway.core.gslb.SiteReport;
import io.spillway.core.model.HostPort;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * CPU time (this thread's, so a busy machine slows it but does not inflate it) to decode one
 * relayed delta entry on an exchange link, with the fat jar on the class path: a delta of 224
 * entries (what an aggregator of 8 x 32 gets from the master each period) of reports shaped as a
 * branch writes them (one domain, load figures, a full response-time history, resource use).
 * Modes: "all" decodes every entry; "held" (only where the codec takes a Known, this branch)
 * decodes the same frame at a receiver that already holds every entry, as for the master's
 * reflected copy of a refresh.
 *
 *   java -cp spillway.jar bench/gslb-convergence/DecodeCost.java [all|held] [rounds]
 */
public class DecodeCost {
    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "all";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        String pkg = pkg();
        Class<?> codecClass = Class.forName(pkg + ".FrameCodec");
        Class<?> msg = Class.forName(pkg + ".ExchangeMessage");
        Class<?> wire = Class.forName(pkg + ".ExchangeMessage$WireEntry");
        Class<?> delta = Class.forName(pkg + ".ExchangeMessage$Delta");
        double[] history = new double[DomainLoad.HISTORY];
        for (int i = 0; i < history.length; i++) {
            history[i] = 9.375 + i * 0.4137;
        }
        List<Object> entries = new ArrayList<>();
        for (int s = 0; s < 224; s++) {
            DomainLoad load = new DomainLoad(100, 40 + s, 3, 12, 5000, 250_000, 3, 2, 1, 17, history);
            SiteReport r = new SiteReport(String.format("branch-%d-%02d", s / 32, s % 32), "agg-" + s / 32,
                    1_764_000_000_000L + s, 1000 + s, 1_764_000_100_000L,
                    List.of(new DomainReport("app.example.com", "shop", new HostPort("127.0.0.1", 8000 + s), true,
                            10, 7, 3, 3, 12345, 12.5, 9.25, 2, 1000, 2, 3, load)),
                    new ResourceUse(37.5, 64_000_000, 212));
            entries.add(wire.getConstructor(SiteReport.class, long.class, boolean.class).newInstance(r, 42L, false));
        }
        Object d = delta.getConstructor(List.class).newInstance(entries);
        byte[] body = (byte[]) codecClass.getMethod("encode", msg).invoke(null, d);
        Object codec;
        if (mode.equals("held")) {
            Class<?> known = Class.forName(pkg + ".ReportFrameReader$Known");
            Object all = Proxy.newProxyInstance(known.getClassLoader(), new Class<?>[] {known},
                    (p, m, a) -> m.getName().equals("holds") ? Boolean.TRUE : null);
            Constructor<?> c = codecClass.getDeclaredConstructor(int.class, known);
            c.setAccessible(true);
            codec = c.newInstance(1 << 20, all);
        } else {
            codec = codecClass.getConstructor(int.class).newInstance(1 << 20);
        }
        EmbeddedChannel ch = new EmbeddedChannel((io.netty.channel.ChannelHandler) codec);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        run(ch, body, 3000);
        for (int r = 0; r < rounds; r++) {
            long cpu0 = mx.getCurrentThreadCpuTime();
            int n = 2000;
            run(ch, body, n);
            long cpu = mx.getCurrentThreadCpuTime() - cpu0;
            System.out.printf(Locale.ROOT, "%s %s frame %d bytes: %.2f us per entry%n", pkg, mode, body.length,
                    cpu / 1e3 / n / 224);
        }
    }

    static void run(EmbeddedChannel ch, byte[] body, int n) {
        for (int i = 0; i < n; i++) {
            ch.writeInbound(Unpooled.wrappedBuffer(body));
            Object m = ch.readInbound();
            if (m == null) {
                throw new IllegalStateException("nothing decoded");
            }
        }
    }

    static String pkg() {
        for (String p : List.of("io.spillway.gslb.internal.exchange", "io.spillway.gslb.exchange")) {
            try {
                Class.forName(p + ".FrameCodec");
                return p;
            } catch (ClassNotFoundException e) {
                // next
            }
        }
        throw new IllegalStateException("no FrameCodec on the class path");
    }
}
