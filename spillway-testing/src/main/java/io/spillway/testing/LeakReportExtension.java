package io.spillway.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

/**
 * Fails the test, or the test class, during which Netty reported a leaked buffer (or any other
 * leak-tracked resource). Registered for every test through JUnit's extension auto-detection
 * ({@code META-INF/services} and {@code junit-platform.properties} of this module).
 *
 * <p>After each test it fails on reports already made (a detector polls whenever it tracks a new
 * object, so at PARANOID a leak shows up at the next allocation); after each class it runs the
 * garbage collector and polls every detector, and fails the class on what that finds. A leak is
 * reported when its object is collected, so a report is attributed to the test or class during
 * which that happened: usually the one that leaked, or the one just after. Each report carries
 * Netty's access records, which name the code that last touched the object.
 *
 * <p>The level is Netty's own setting, {@code -Dio.netty.leakDetection.level}, set by the build
 * (see the root pom); at {@code disabled} this extension checks nothing.
 */
public final class LeakReportExtension implements AfterEachCallback, AfterAllCallback {

    static {
        LeakReports.install();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        fail(LeakReports.drain(), context.getDisplayName());
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        fail(LeakReports.collect(), context.getDisplayName() + " (found after the class, by a full GC)");
    }

    static void fail(List<String> reports, String where) {
        if (reports.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder()
                .append(reports.size()).append(" Netty leak report(s) during ").append(where).append(':');
        for (String r : reports) {
            sb.append("\n\n").append(r);
        }
        throw new AssertionError(sb.toString());
    }
}
