package io.spillway.testing;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.netty.util.ResourceLeakTracker;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Collects the leak reports of Netty's {@link ResourceLeakDetector}s so that a test can fail on
 * them instead of a line in the log that nobody reads.
 *
 * <p>Netty makes one detector per resource type (ByteBuf, the timers, ...) when the type's class
 * is initialised, through {@link ResourceLeakDetectorFactory#instance()}. {@link #install()}
 * replaces that factory with one whose detectors always report (not only when the error log is
 * on) and also queue each report here; it has to run before the first Netty buffer class is
 * initialised, which {@link LeakReportExtension} does when JUnit loads it, before any test class.
 *
 * <p>A leak is found only after the garbage collector has cleared the leaked object and a detector
 * polls its reference queue, which it does when it tracks a new object; {@link #collect()} forces
 * both, which is slow (a full GC), so it runs once per test class.
 */
public final class LeakReports {

    private static final Queue<String> REPORTS = new ConcurrentLinkedQueue<>();
    private static final List<ResourceLeakDetector<?>> DETECTORS = new CopyOnWriteArrayList<>();
    private static volatile boolean installed;

    private LeakReports() {
    }

    /** Installs the reporting factory once; later calls do nothing. */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                                                                       long maxActive) {
                ResourceLeakDetector<T> detector = new Reporting<>(resource, samplingInterval);
                DETECTORS.add(detector);
                return detector;
            }
        });
        installed = true;
    }

    /** Whether detectors are made by this class (false when Netty made them before {@link #install()}). */
    public static boolean installed() {
        return installed;
    }

    /** Takes every report queued so far. */
    public static List<String> drain() {
        List<String> out = new ArrayList<>();
        for (String r; (r = REPORTS.poll()) != null; ) {
            out.add(r);
        }
        return out;
    }

    /**
     * Runs the garbage collector and makes every detector poll for objects collected unreleased,
     * then takes the reports. Does nothing but {@link #drain()} when leak detection is disabled.
     */
    public static List<String> collect() throws InterruptedException {
        if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.DISABLED) {
            for (int round = 0; round < 2; round++) {
                System.gc();
                // the reference handler thread enqueues cleared references after the collection
                Thread.sleep(20);
                for (ResourceLeakDetector<?> d : DETECTORS) {
                    poll(d);
                }
            }
        }
        return drain();
    }

    @SuppressWarnings("unchecked")
    private static void poll(ResourceLeakDetector<?> detector) {
        // tracking an object polls the detector's reference queue first; this one is closed at once
        Object probe = new Object();
        ResourceLeakTracker<Object> t = ((ResourceLeakDetector<Object>) detector).trackForcibly(probe);
        if (t != null) {
            t.close(probe);
        }
    }

    /** For tests of this class: a detector made by the installed factory. */
    static <T> ResourceLeakDetector<T> detector(Class<T> type) {
        return ResourceLeakDetectorFactory.instance().newResourceLeakDetector(type);
    }

    private static final class Reporting<T> extends ResourceLeakDetector<T> {

        Reporting(Class<?> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        @Override
        protected boolean needReport() {
            return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            REPORTS.add("LEAK: " + resourceType + ".release() was not called before it was garbage-collected."
                    + records);
            super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            REPORTS.add("LEAK: " + resourceType + ".release() was not called before it was garbage-collected"
                    + " (no records: run with -Dio.netty.leakDetection.level=advanced or paranoid)");
            super.reportUntracedLeak(resourceType);
        }
    }
}
