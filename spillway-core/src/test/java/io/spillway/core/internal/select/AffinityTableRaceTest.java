package io.spillway.core.internal.select;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The affinity table under event loops racing on it: invariants, not timing. Targets name the
 * key they were put for, so a lookup that ever paired one client's key with another's target
 * would be caught.
 */
class AffinityTableRaceTest {

    private static final int THREADS = 8;
    private final AtomicLong nanos = new AtomicLong();

    private static String target(long key, int version) {
        return key + "#" + version;
    }

    private static long keyOf(String target) {
        return Long.parseLong(target.substring(0, target.indexOf('#')));
    }

    private <T> List<T> race(int threads, Callable<T> body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(body));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get(60, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void racingInsertsLookupsRemovalsAndExpiryKeepEveryEntryWhole() throws Exception {
        AffinityTable<String> table = new AffinityTable<>(Duration.ofMillis(50), 32, 128, 256, nanos::get);
        AtomicLong torn = new AtomicLong();
        AtomicLong oversize = new AtomicLong();
        AtomicLong next = new AtomicLong();
        race(THREADS, () -> {
            SplittableRandom random = new SplittableRandom(next.incrementAndGet());
            for (int op = 0; op < 200_000; op++) {
                int key = random.nextInt(2048); // far more clients than room: constant eviction
                switch (random.nextInt(10)) {
                    case 0 -> table.remove(InetAddress.getByAddress(bytes(key)));
                    case 1, 2 -> table.put(InetAddress.getByAddress(bytes(key)), target(key, op));
                    case 3 -> nanos.addAndGet(random.nextInt(1_000_000)); // time moves on; entries expire
                    default -> {
                        String got = table.get(ipv4(key));
                        if (got != null && keyOf(got) != key) {
                            torn.incrementAndGet();
                        }
                    }
                }
                if (op % 1024 == 0 && table.size() > table.capacity()) {
                    oversize.incrementAndGet();
                }
            }
            return null;
        });
        assertThat(torn.get()).as("lookups answered with another client's target").isZero();
        assertThat(oversize.get()).as("sizes above capacity").isZero();
        assertThat(table.size()).isLessThanOrEqualTo(table.capacity());
        nanos.addAndGet(Duration.ofMillis(60).toNanos());
        assertThat(table.size()).as("everything expires once time passes the timeout").isZero();
    }

    @Test
    void eachThreadFindsExactlyWhatItLastDidToItsOwnClients() throws Exception {
        // room for far more than the 8 x 256 clients, so nothing is evicted and nothing expires
        AffinityTable<String> table = new AffinityTable<>(Duration.ofMinutes(1), 32, 128, 1 << 16, nanos::get);
        AtomicLong next = new AtomicLong();
        List<String> failures = race(THREADS, () -> {
            int thread = (int) next.getAndIncrement();
            SplittableRandom random = new SplittableRandom(thread);
            String[] last = new String[256];
            for (int op = 0; op < 100_000; op++) {
                int i = random.nextInt(last.length);
                int key = thread << 16 | i;
                InetAddress client = InetAddress.getByAddress(bytes(key));
                if (random.nextInt(4) == 0) {
                    table.remove(client);
                    last[i] = null;
                } else if (random.nextBoolean()) {
                    last[i] = target(key, op);
                    table.put(client, last[i]);
                }
                String got = table.get(ipv4(key));
                if (!Objects.equals(got, last[i])) {
                    return "client " + key + ": expected " + last[i] + ", got " + got;
                }
            }
            return null;
        });
        assertThat(failures).containsOnlyNulls();
    }

    @Test
    void racingInsertsOfOneClientLeaveOneEntryThatOneRemovalClears() throws Exception {
        AffinityTable<String> table = new AffinityTable<>(Duration.ofMinutes(1), 32, 128, 1024, nanos::get);
        InetAddress client = InetAddress.getByAddress(bytes(7));
        for (int round = 0; round < 200; round++) {
            CyclicBarrier start = new CyclicBarrier(THREADS);
            AtomicLong writer = new AtomicLong();
            race(THREADS, () -> {
                String mine = target(7, (int) writer.incrementAndGet());
                start.await(10, TimeUnit.SECONDS);
                table.put(client, mine);
                return null;
            });
            assertThat(table.size()).as("round %d: one entry for one client", round).isEqualTo(1);
            table.remove(client);
            assertThat(table.get(client)).as("round %d: no duplicate left behind", round).isNull();
        }
    }

    /** The 32 bits of the client {@link #bytes} makes. */
    private static int ipv4(int key) {
        return 0x0a000000 | key;
    }

    private static byte[] bytes(int key) {
        return new byte[] {10, (byte) (key >>> 16), (byte) (key >>> 8), (byte) key};
    }
}
