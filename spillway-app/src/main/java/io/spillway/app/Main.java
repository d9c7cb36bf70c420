package io.spillway.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code spillway} command line (CONTRACT.md "Command line"). Exit codes: 0 ok, 1 invalid
 * configuration or failed command, 2 bad usage.
 */
@Command(name = "spillway",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Application delivery controller with dynamic connection spillover and hierarchical GSLB.",
        subcommands = {RunCommand.class, ValidateCommand.class, DemoCommand.class, StatusCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println(ex.getMessage());
            ex.getCommandLine().usage(ex.getCommandLine().getErr());
            return 2;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"spillway " + (v == null ? "development build" : v),
                    "Java " + System.getProperty("java.version")};
        }
    }
}
