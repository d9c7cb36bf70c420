package io.spillway.monitor.peers;

import org.apache.ftpserver.DataConnectionConfigurationFactory;
import org.apache.ftpserver.FtpServer;
import org.apache.ftpserver.FtpServerFactory;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.impl.DefaultFtpServer;
import org.apache.ftpserver.listener.ListenerFactory;
import org.apache.ftpserver.usermanager.ClearTextPasswordEncryptor;
import org.apache.ftpserver.usermanager.PropertiesUserManagerFactory;
import org.apache.ftpserver.usermanager.impl.BaseUser;
import org.apache.ftpserver.ftplet.UserManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Apache FtpServer on loopback with one user whose home holds {@code probe.txt}; the file's
 * content can be changed, and the server stopped and started again on the same port.
 */
public final class FtpPeer implements AutoCloseable {

    public static final String USER = "probe";
    public static final String PASSWORD = "secret";

    private final Path home;
    private FtpServer server;
    private int port;

    public FtpPeer(String content) {
        try {
            home = Files.createTempDirectory("spillway-ftp");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        content(content);
        start();
    }

    public void content(String text) {
        try {
            Files.writeString(home.resolve("probe.txt"), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized void start() {
        try {
            FtpServerFactory sf = new FtpServerFactory();
            ListenerFactory lf = new ListenerFactory();
            lf.setServerAddress("127.0.0.1");
            lf.setPort(port);
            DataConnectionConfigurationFactory data = new DataConnectionConfigurationFactory();
            data.setPassiveAddress("127.0.0.1");
            lf.setDataConnectionConfiguration(data.createDataConnectionConfiguration());
            sf.addListener("default", lf.createListener());
            PropertiesUserManagerFactory umf = new PropertiesUserManagerFactory();
            Path users0 = home.resolve("users.properties");
            if (!Files.exists(users0)) {
                Files.createFile(users0);
            }
            umf.setFile(users0.toFile());
            umf.setPasswordEncryptor(new ClearTextPasswordEncryptor());
            UserManager users = umf.createUserManager();
            BaseUser user = new BaseUser();
            user.setName(USER);
            user.setPassword(PASSWORD);
            user.setHomeDirectory(home.toString());
            users.save(user);
            sf.setUserManager(users);
            server = sf.createServer();
            server.start();
            port = ((DefaultFtpServer) server).getServerContext().getListener("default").getPort();
        } catch (FtpException | IOException e) {
            throw new IllegalStateException("cannot start the FTP server", e);
        }
    }

    public int port() {
        return port;
    }

    public synchronized void stop() {
        server.stop();
    }

    @Override
    public void close() {
        stop();
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
