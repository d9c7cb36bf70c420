package io.spillway.proxy;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.InetNameResolver;
import io.netty.resolver.InetSocketAddressResolver;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Host-name lookups of upstream connects, done on a small pool of lookup threads. Netty's default
 * resolver calls {@link InetAddress#getAllByName} on the thread that connects, which here is a
 * client connection's event loop: a slow or failing DNS answer (a peer site named by host, a
 * service whose name did not resolve when the graph was loaded) would stall every connection of
 * that loop. The connect itself goes on on the event loop once the address is known.
 */
final class OffLoopResolver extends AddressResolverGroup<InetSocketAddress> {

    /** What looks a host name up; blocking is allowed. */
    interface Lookup {
        InetAddress[] all(String host) throws UnknownHostException;
    }

    private static final ExecutorService LOOKUPS = lookupPool();

    private final Lookup lookup;

    OffLoopResolver() {
        this(InetAddress::getAllByName);
    }

    OffLoopResolver(Lookup lookup) {
        this.lookup = lookup;
    }

    private static ExecutorService lookupPool() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "spillway-upstream-lookup");
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    @Override
    protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
        return new InetSocketAddressResolver(executor, new InetNameResolver(executor) {
            @Override
            protected void doResolve(String host, Promise<InetAddress> promise) {
                LOOKUPS.execute(() -> {
                    try {
                        promise.trySuccess(lookup.all(host)[0]);
                    } catch (Exception e) {
                        promise.tryFailure(e);
                    }
                });
            }

            @Override
            protected void doResolveAll(String host, Promise<List<InetAddress>> promise) {
                LOOKUPS.execute(() -> {
                    try {
                        promise.trySuccess(Arrays.asList(lookup.all(host)));
                    } catch (Exception e) {
                        promise.tryFailure(e);
                    }
                });
            }
        });
    }
}
