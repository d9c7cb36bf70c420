package io.spillway.core.runtime;

/**
 * How a chain admitted one client connection ({@link SpilloverChain#admitDetailed}): the vServer
 * that holds its slot, and how it got there, for the access log's {@code spilled} and
 * {@code persisted} fields.
 *
 * @param vserver   the vServer that now holds a slot for the connection (release it exactly once),
 *                  or null when the chain was full and its {@code whenFull} is redirect or drop
 * @param persisted the client was taken by spillover persistence (S6), above the threshold if need be
 * @param spilled   the vServer is not the chain's head: the client was handed on to a backup (S4),
 *                  now or, with {@code persisted}, when it was first pinned
 */
public record Admission(VirtualServer vserver, boolean persisted, boolean spilled) {

    /** A full chain's answer for redirect and drop: no vServer holds a slot. */
    static final Admission REFUSED = new Admission(null, false, false);

    /** Whether a vServer holds a slot for the connection. */
    public boolean admitted() {
        return vserver != null;
    }
}
