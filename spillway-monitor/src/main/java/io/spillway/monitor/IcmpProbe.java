package io.spillway.monitor;


import java.net.InetAddress;

/** {@code ping} by ICMP echo through {@link IcmpPinger}, off the event loops. */
final class IcmpProbe implements Probe {

    private final IcmpPinger pinger;
    private final InetAddress address;
    private final int timeoutMs;

    IcmpProbe(IcmpPinger pinger, InetAddress address, int timeoutMs) {
        this.pinger = pinger;
        this.address = address;
        this.timeoutMs = Math.max(1, timeoutMs);
    }

    @Override
    public void start(ProbeConnector unused, ProbeAttempt attempt) {
        pinger.ping(address, timeoutMs, attempt);
    }

    @Override
    public String detail() {
        return "icmp (JDK isReachable: tcp echo/7 where ICMP sockets are not allowed)";
    }
}
