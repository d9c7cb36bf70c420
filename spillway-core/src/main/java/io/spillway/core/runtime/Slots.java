package io.spillway.core.runtime;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The connection slots of one vServer or one service, and the counters of what was done with
 * them (SPEC S7): the exact active count, admissions, spillovers, redirects, drops and
 * persistent admissions, and the {@link Traffic} counters (requests by status class, bytes,
 * failures, state changes).
 *
 * <p><b>Why a class of its own.</b> A reload (P3) builds a new {@link VirtualServer} or
 * {@link Service} for every entry whose configuration changed, while the connections admitted
 * before it still hold slots that they give back when they close. If the new object counted
 * from zero, those connections would release on an object no admission looks at any more, and
 * the new one would admit a second full threshold beside them: S7 broken by a reload. So a
 * changed object built by {@link RuntimeGraph#build(io.spillway.core.model.SpillwayConfig,
 * RuntimeGraph)} takes over its predecessor's {@code Slots}: an old connection releases on the
 * very counter the new object admits against, exactly once, and the counters an operator
 * watches go on from where they were.
 *
 * <p><b>The limit comes from the caller.</b> {@link #tryAcquire(int)} compares the active count
 * with the limit its owner passes at that moment (the vServer's threshold, S3; the service's
 * capacity, S2), so the predecessor and the successor may share the count while each applies
 * its own limit, and a lowered limit applies to the next admission at once: the count may stand
 * above it after the reload, and nothing is admitted until enough connections have closed to
 * bring it below. Where the limit comes from (a configured capacity, the sum of UP capacities,
 * a share of a cluster-wide capacity) is the owner's business, not this class's.
 *
 * <p><b>Data path.</b> Admission is a compare-and-set loop on one {@link AtomicInteger}, so
 * racing accepts on different event loops never push the count past the limit; the counters
 * are {@link LongAdder}s, so counting never contends. Nothing here allocates.
 *
 * <p><b>The most ever active at once</b> ({@link #maxActive()}, HAProxy's "max sessions") is a
 * high-water mark the admission that raised the count sets: it already holds the count its
 * own compare-and-set produced, so keeping the mark costs one volatile read per admission and
 * a write only when the mark rises, which under steady load it almost never does. Like the
 * counters, it goes on across reloads.
 */
final class Slots {

    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger maxActive = new AtomicInteger();
    private final LongAdder admitted = new LongAdder();
    private final LongAdder spillovers = new LongAdder();
    private final LongAdder redirects = new LongAdder();
    private final LongAdder drops = new LongAdder();
    private final LongAdder persistentAdmissions = new LongAdder();
    private final Traffic traffic = new Traffic();

    /**
     * Reserves a slot if the active count is below {@code limit}; each reserved slot is given
     * back by exactly one {@link #release()}.
     */
    public boolean tryAcquire(int limit) {
        return tryAcquireCounted(limit) > 0;
    }

    /**
     * {@link #tryAcquire(int)} that tells the active count its own compare-and-set produced:
     * what a cluster share's admission checks again after the fact ({@link Service#tryAcquire()}).
     *
     * @return the active count right after this reservation, or 0 when refused
     */
    int tryAcquireCounted(int limit) {
        for (;;) {
            int current = active.get();
            if (current >= limit) {
                return 0;
            }
            if (active.compareAndSet(current, current + 1)) {
                admitted.increment();
                raiseMax(current + 1);
                return current + 1;
            }
        }
    }

    /**
     * Gives back a slot taken by {@link #tryAcquireCounted(int)} as if it had never been taken:
     * an admission withdrawn before anything used it (its {@code admitted} count too).
     */
    void withdraw() {
        active.decrementAndGet();
        admitted.decrement();
    }

    /** Takes a slot whatever the limit: persistence (S6), {@code whenFull: accept} (S5), no room anywhere. */
    public void acquireForced() {
        raiseMax(active.incrementAndGet());
        admitted.increment();
    }

    /** Raises the high-water mark to {@code count}; only a count above the mark writes. */
    private void raiseMax(int count) {
        int mark = maxActive.get();
        while (count > mark && !maxActive.compareAndSet(mark, count)) {
            mark = maxActive.get();
        }
    }

    /**
     * Gives back a slot; exactly once per acquired one.
     *
     * @return the active count after the release (never negative when every caller keeps to
     *         once per slot)
     */
    public int release() {
        return active.decrementAndGet();
    }

    public int active() {
        return active.get();
    }

    /** The most slots ever held at once (reloads included). */
    public int maxActive() {
        return maxActive.get();
    }

    /** Slots ever taken, by {@link #tryAcquire(int)} or {@link #acquireForced()}. */
    public long admitted() {
        return admitted.sum();
    }

    public long spillovers() {
        return spillovers.sum();
    }

    public long redirects() {
        return redirects.sum();
    }

    public long drops() {
        return drops.sum();
    }

    public long persistentAdmissions() {
        return persistentAdmissions.sum();
    }

    /** The traffic counters, which go on across reloads with the slots. */
    Traffic traffic() {
        return traffic;
    }

    void countSpillover() {
        spillovers.increment();
    }

    void countRedirect() {
        redirects.increment();
    }

    void countDrop() {
        drops.increment();
    }

    void countPersistentAdmission() {
        persistentAdmissions.increment();
    }

    @Override
    public String toString() {
        return "Slots[" + active.get() + " active, " + admitted.sum() + " admitted]";
    }
}
