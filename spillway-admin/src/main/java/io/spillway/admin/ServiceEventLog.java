package io.spillway.admin;

import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.core.runtime.Service;
import io.spillway.core.runtime.ServiceListener;
import io.spillway.core.runtime.ServiceState;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The recent service status changes (SPEC M5), for {@code GET /api/v1/events} and the dashboard.
 *
 * <p>The log listens to the services of the graph it was last shown ({@link #track}); the admin
 * server shows it the supplier's graph on every request and a few times a second, so after a
 * reload it follows the new graph's services and lets go of the old ones. Services that a reload
 * keeps as the same objects keep one listener. Bounded: the oldest events are dropped first.
 */
final class ServiceEventLog implements ServiceListener {

    /** One status change, as the API shows it. */
    record Event(String time, String service, String from, String to, String reason) {
    }

    private final int capacity;
    private final Clock clock;
    private final ArrayDeque<Event> events = new ArrayDeque<>();
    private final Set<Service> tracked = Collections.newSetFromMap(new IdentityHashMap<>());
    private RuntimeGraph graph;

    ServiceEventLog(int capacity, Clock clock) {
        this.capacity = capacity;
        this.clock = clock;
    }

    /** Follows the services of {@code current}; cheap when the graph has not changed. */
    synchronized void track(RuntimeGraph current) {
        if (current == graph) {
            return;
        }
        graph = current;
        Set<Service> next = Collections.newSetFromMap(new IdentityHashMap<>());
        if (current != null) {
            next.addAll(current.services());
        }
        for (Service s : tracked) {
            if (!next.contains(s)) {
                s.removeListener(this);
            }
        }
        for (Service s : next) {
            if (!tracked.contains(s)) {
                s.addListener(this);
            }
        }
        tracked.clear();
        tracked.addAll(next);
    }

    /** Stops listening to every service. */
    synchronized void close() {
        tracked.forEach(s -> s.removeListener(this));
        tracked.clear();
        graph = null;
    }

    @Override
    public void onStateChange(Service service, ServiceState previous, ServiceState current, String reason) {
        add(new Event(Instant.now(clock).toString(), service.name(), previous.name(), current.name(), reason));
    }

    /** Passive health ejected the service: shown as a change to {@code EJECTED} from its state. */
    @Override
    public void onEjection(Service service, String reason) {
        add(new Event(Instant.now(clock).toString(), service.name(), service.state().name(), "EJECTED", reason));
    }

    private void add(Event event) {
        synchronized (this) {
            if (events.size() == capacity) {
                events.removeFirst();
            }
            events.addLast(event);
        }
    }

    /** Up to {@code limit} events, newest first. */
    synchronized List<Event> recent(int limit) {
        List<Event> out = new ArrayList<>(Math.min(limit, events.size()));
        var it = events.descendingIterator();
        while (it.hasNext() && out.size() < limit) {
            out.add(it.next());
        }
        return out;
    }
}
