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
        cl.setParameterExceptionHandler((ex, a) -> usageError(ex));
        return cl.execute(args);
    }

    /**
     * A usage error is one line naming the command and what is wrong, and where to read more;
     * the whole usage text would bury the message. Exit code 2, as picocli and POSIX tools.
     */
    private static int usageError(CommandLine.ParameterException ex) {
        CommandLine cl = ex.getCommandLine();
        String command = cl.getCommandSpec().qualifiedName();
        cl.getErr().println(command + ": " + ex.getMessage() + " (see '" + command + " --help')");
        return 2;
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
