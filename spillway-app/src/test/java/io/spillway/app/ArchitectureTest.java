package io.spillway.app;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The module rules of ARCHITECTURE.md, enforced on the compiled classes. */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.spillway");
    }

    @Test
    void coreIsFreeOfNettyAndJackson() {
        noClasses().that().resideInAPackage("io.spillway.core..")
                .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "com.fasterxml..")
                .because("spillway-core is the domain with no I/O")
                .check(classes);
    }

    @Test
    void coreDependsOnNoOtherModule() {
        noClasses().that().resideInAPackage("io.spillway.core..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.spillway.config..", "io.spillway.proxy..", "io.spillway.monitor..",
                        "io.spillway.gslb..", "io.spillway.admin..", "io.spillway.transport..", "io.spillway.cluster..",
                        "io.spillway.httpjson..", "io.spillway.app..")
                .check(classes);
    }

    @Test
    void nothingDependsOnTheAppModule() {
        noClasses().that().resideOutsideOfPackage("io.spillway.app..")
                .should().dependOnClassesThat().resideInAPackage("io.spillway.app..")
                .check(classes);
    }

    @Test
    void configurationReaderIsFreeOfNetty() {
        noClasses().that().resideInAPackage("io.spillway.config..")
                .should().dependOnClassesThat().resideInAPackage("io.netty..")
                .check(classes);
    }

    @Test
    void clusterModuleKeepsOffTheEventLoopsAndTheOtherModules() {
        noClasses().that().resideInAPackage("io.spillway.cluster..")
                .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "io.spillway.config..",
                        "io.spillway.proxy..", "io.spillway.monitor..", "io.spillway.gslb..", "io.spillway.admin..",
                        "io.spillway.transport..")
                .because("etcd calls run on the cluster's own thread, over the JDK's HTTP client (issue 12)")
                .check(classes);
    }

    @Test
    void theEtcdModuleKeepsOffTheEventLoopsAndEveryOtherModule() {
        noClasses().that().resideInAPackage("io.spillway.etcd..")
                .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "io.spillway.core..",
                        "io.spillway.config..", "io.spillway.proxy..", "io.spillway.monitor..", "io.spillway.gslb..",
                        "io.spillway.admin..", "io.spillway.transport..", "io.spillway.cluster..")
                .because("the one etcd client blocks on the JDK's HTTP client, on its caller's own thread (issue 12)")
                .check(classes);
    }

    @Test
    void dataPlaneModulesDoNotDependOnEachOther() {
        noClasses().that().resideInAPackage("io.spillway.proxy..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.spillway.monitor..", "io.spillway.gslb..", "io.spillway.admin..", "io.spillway.config..")
                .check(classes);
        noClasses().that().resideInAPackage("io.spillway.monitor..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.spillway.proxy..", "io.spillway.gslb..", "io.spillway.admin..", "io.spillway.config..")
                .check(classes);
        noClasses().that().resideInAPackage("io.spillway.gslb..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.spillway.proxy..", "io.spillway.monitor..", "io.spillway.admin..", "io.spillway.config..")
                .check(classes);
        noClasses().that().resideInAPackage("io.spillway.admin..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.spillway.proxy..", "io.spillway.monitor..", "io.spillway.gslb..", "io.spillway.config..")
                .check(classes);
    }

    @Test
    void theJsonHttpServerKnowsNoneOfItsUsers() {
        noClasses().that().resideInAPackage("io.spillway.httpjson..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.spillway.config..", "io.spillway.proxy..", "io.spillway.monitor..", "io.spillway.gslb..",
                        "io.spillway.admin..", "io.spillway.cluster..", "io.spillway.app..")
                .because("spillway-http-json is a building block: routes, limits and tokens come from its users")
                .check(classes);
    }

    /**
     * A module's {@code internal} packages ({@code io.spillway.MODULE.internal..}) hold what is
     * public only so that the module's other packages can use it: its building blocks, not its
     * API. No other module may depend on them, so they can change without notice.
     */
    @Test
    void internalPackagesAreUsedOnlyByTheirOwnModule() {
        classes().that().resideInAPackage("io.spillway.*.internal..")
                .should(new ArchCondition<JavaClass>("be used only by classes of their own module") {
                    @Override
                    public void check(JavaClass internal, ConditionEvents events) {
                        String module = module(internal);
                        for (Dependency d : internal.getDirectDependenciesToSelf()) {
                            if (!module.equals(module(d.getOriginClass()))) {
                                events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                            }
                        }
                    }
                })
                .because("what is not API lives in internal packages (issue 14)")
                .check(classes);
    }

    /** {@code io.spillway.MODULE.…} → {@code MODULE}. */
    private static String module(JavaClass c) {
        String[] parts = c.getPackageName().split("\\.", 4);
        return parts.length < 3 ? "" : parts[2];
    }
}
