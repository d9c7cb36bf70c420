package io.spillway.testing;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakTracker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LeakReportsTest {

    /** A resource type of its own, so that no other tracked object interferes. */
    static final class Resource {
    }

    private ResourceLeakDetector.Level level;

    @BeforeEach
    void paranoid() {
        level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    @AfterEach
    void restore() {
        ResourceLeakDetector.setLevel(level);
    }

    @Test
    void theExtensionIsLoadedBeforeNettyMakesItsDetectors() {
        assertThat(LeakReports.installed()).isTrue();
    }

    @Test
    void collectsTheReportOfAnObjectCollectedWithoutBeingReleased() throws InterruptedException {
        ResourceLeakDetector<Resource> detector = LeakReports.detector(Resource.class);
        leak(detector);
        List<String> reports = LeakReports.collect();
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0)).startsWith("LEAK: ").contains("Resource.release() was not called").contains("leakingMethod");
        assertThatThrownBy(() -> LeakReportExtension.fail(reports, "a test"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("1 Netty leak report(s) during a test");
    }

    @Test
    void reportsNothingForAnObjectReleasedInTime() throws InterruptedException {
        ResourceLeakDetector<Resource> detector = LeakReports.detector(Resource.class);
        Resource r = new Resource();
        ResourceLeakTracker<Resource> tracker = detector.track(r);
        tracker.record("used");
        assertThat(tracker.close(r)).isTrue();
        assertThat(LeakReports.collect()).isEmpty();
    }

    private static void leak(ResourceLeakDetector<Resource> detector) {
        leakingMethod(detector);
    }

    private static void leakingMethod(ResourceLeakDetector<Resource> detector) {
        detector.track(new Resource()).record("leakingMethod");
    }
}
