package io.spillway.core.runtime;

import io.spillway.core.model.SpilloverConfig;
import io.spillway.core.model.WhenFull;

import java.net.InetAddress;

/**
 * Admission of a new client connection into a chain of vServers (SPEC S4-S7): the decision
 * every listener makes on its accepting event loop before any byte is proxied.
 *
 * <ol>
 *   <li><b>Persistence (S6).</b> If the head vServer has spillover persistence and the client
 *   (under the mask) was served by a vServer of the chain within the timeout, and that vServer
 *   is UP, the client goes there, even above its threshold.</li>
 *   <li><b>Walk (S4).</b> Otherwise each vServer of the chain, head first, reserves a slot if it
 *   is UP and below its threshold ({@link VirtualServer#tryAcquire()}); a vServer that cannot
 *   hands the connection to its backup and counts a spillover.</li>
 *   <li><b>Full chain (S5).</b> When no vServer has room, the head's {@code whenFull} decides:
 *   {@code accept} takes the connection on the head anyway; {@code redirect} and {@code drop}
 *   return null, counted on the head, and the listener answers with a 302 or a close.</li>
 * </ol>
 *
 * The decision allocates nothing for an IPv4 client, persistence on or off (an IPv6 client's
 * persistence key costs one 16-byte copy of its address, see {@link
 * io.spillway.core.internal.select.AffinityTable}); {@link #admitDetailed} answers with
 * {@link Admission}s made once per chain member, so it allocates nothing more.
 *
 * <p>The persistence table names vServers rather than holding them, and a reload (P3) that
 * rebuilds the chain hands it the previous chain's table when the persistence settings are
 * unchanged ({@link #of(VirtualServer, SpilloverChain)}): a client pinned before the reload is
 * pinned to the vServer of the same name in the new chain.
 */
public final class SpilloverChain {

    /** Bound on the walk, a guard against a loop the validator should already have refused. */
    private static final int MAX_HOPS = 64;

    private final VirtualServer head;
    /** The chain, head first: where a pinned name is looked up. */
    private final VirtualServer[] members;
    /** Per member: the admission of a walk, and of a persistence hit. */
    private final Admission[] walked;
    private final Admission[] pinned;
    private final PersistenceTable persistence;
    private final WhenFull whenFull;
    private final String redirectUrl;

    public SpilloverChain(VirtualServer head, PersistenceTable persistence) {
        SpilloverConfig spill = head.config().spillover();
        this.head = head;
        this.members = members(head);
        this.walked = new Admission[members.length];
        this.pinned = new Admission[members.length];
        for (int i = 0; i < members.length; i++) {
            walked[i] = new Admission(members[i], false, i > 0);
            pinned[i] = new Admission(members[i], true, i > 0);
        }
        this.persistence = persistence;
        this.whenFull = spill.whenFull();
        this.redirectUrl = spill.redirectUrl();
    }

    /** A chain with the persistence its head's configuration asks for. */
    public static SpilloverChain of(VirtualServer head) {
        return of(head, null);
    }

    /**
     * The chain of a reload (P3): it keeps {@code previous}'s persistence table (may be null)
     * when the head's persistence timeout, mask and size are those {@code previous} was built
     * with; other settings start an empty table.
     */
    static SpilloverChain of(VirtualServer head, SpilloverChain previous) {
        SpilloverConfig spill = head.config().spillover();
        if (spill.persistence() == null || spill.persistence().isZero()) {
            return new SpilloverChain(head, null);
        }
        if (previous != null && previous.persistence != null
                && samePersistence(previous.head.config().spillover(), spill)) {
            return new SpilloverChain(head, previous.persistence);
        }
        return new SpilloverChain(head,
                new PersistenceTable(spill.persistence(), spill.persistenceMask(), spill.persistenceMaxEntries()));
    }

    private static boolean samePersistence(SpilloverConfig a, SpilloverConfig b) {
        return a.persistence().equals(b.persistence()) && a.persistenceMask() == b.persistenceMask()
                && a.persistenceMaxEntries() == b.persistenceMaxEntries();
    }

    private static VirtualServer[] members(VirtualServer head) {
        int n = 0;
        for (VirtualServer vs = head; vs != null && n < MAX_HOPS; vs = vs.backup()) {
            n++;
        }
        VirtualServer[] chain = new VirtualServer[n];
        VirtualServer vs = head;
        for (int i = 0; i < n; i++, vs = vs.backup()) {
            chain[i] = vs;
        }
        return chain;
    }

    /** The position in this chain of the vServer with that name, or -1. */
    private int member(String name) {
        for (int i = 0; i < members.length; i++) {
            if (members[i].name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    public VirtualServer head() {
        return head;
    }

    public WhenFull whenFull() {
        return whenFull;
    }

    public String redirectUrl() {
        return redirectUrl;
    }

    /** The persistence table, or null when persistence is off. */
    public PersistenceTable persistence() {
        return persistence;
    }

    /**
     * Admits a connection from {@code client}.
     *
     * @return the vServer that now holds a slot for it (release it exactly once when the
     *         connection closes), or null when the chain is full and {@link #whenFull()} is
     *         redirect or drop
     */
    public VirtualServer admit(InetAddress client) {
        return admitDetailed(client).vserver();
    }

    /**
     * Admits a connection from {@code client} like {@link #admit}, and says how: whether
     * persistence took it and whether it went past the head. Allocates nothing.
     *
     * @return the admission; its {@link Admission#vserver()} is null when the chain is full and
     *         {@link #whenFull()} is redirect or drop
     */
    public Admission admitDetailed(InetAddress client) {
        if (persistence != null && client != null) {
            String pinnedName = persistence.get(client);
            int index = pinnedName == null ? -1 : member(pinnedName);
            if (index >= 0 && members[index].isUp()) {
                VirtualServer vs = members[index];
                vs.acquireForced();
                vs.countPersistentAdmission();
                return pinned[index];
            }
        }
        for (int hop = 0; hop < members.length; hop++) {
            VirtualServer vs = members[hop];
            if (vs.isUp() && vs.tryAcquire()) {
                if (persistence != null && client != null) {
                    persistence.put(client, vs.name());
                }
                return walked[hop];
            }
            if (hop == members.length - 1) {
                break;
            }
            vs.countSpillover();
        }
        switch (whenFull) {
            case ACCEPT -> {
                head.acquireForced();
                return walked[0];
            }
            case REDIRECT -> head.countRedirect();
            case DROP -> head.countDrop();
        }
        return Admission.REFUSED;
    }
}
