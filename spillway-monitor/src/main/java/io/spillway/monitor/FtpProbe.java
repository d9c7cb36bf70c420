package io.spillway.monitor;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import io.spillway.core.model.MonitorConfig;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ftp}: logs in, runs the configured command and checks its reply. A transfer command
 * ({@code RETR}, {@code LIST}, {@code NLST}, {@code MLSD}) runs in binary mode over a passive
 * data connection (EPSV for IPv6) to the service's own address (the address in a PASV reply
 * is ignored, as most clients do, so a probe never connects elsewhere); its data must contain
 * {@code expectBody}. Any other command must get a 2xx reply whose text contains
 * {@code expectBody}. Without a command, a successful login is the check. The probe ends with
 * {@code QUIT}.
 *
 * <pre>
 *   220 ─USER─► 331 ─PASS─► 230 ─TYPE I─► 200 ─PASV─► 227 ─(data connect)─RETR─► 150 ─► 226 + data EOF ─QUIT─► 221
 * </pre>
 */
final class FtpProbe implements Probe {

    static final int MAX_DATA = 1024 * 1024;
    private static final Set<String> TRANSFERS = Set.of("RETR", "LIST", "NLST", "MLSD");
    private static final Pattern PASV = Pattern.compile("(\\d{1,3}),(\\d{1,3}),(\\d{1,3}),(\\d{1,3}),(\\d{1,3}),(\\d{1,3})");
    private static final Pattern EPSV = Pattern.compile("\\(\\|\\|\\|(\\d{1,5})\\|\\)");

    private final InetSocketAddress remote;
    private final String user;
    private final String password;
    private final String command;
    private final boolean transfer;
    private final String expectBody;
    private final byte[] expect;

    FtpProbe(InetSocketAddress remote, MonitorConfig.FtpProbe ftp, String expectBody) {
        this.remote = remote;
        this.user = ftp == null || ftp.user() == null ? "anonymous" : ftp.user();
        this.password = ftp == null || ftp.password() == null ? "spillway@" : ftp.password();
        String cmd = ftp == null ? null : ftp.command();
        this.command = cmd == null || cmd.isBlank() ? null : cmd.trim();
        if (command != null && (command.indexOf('\r') >= 0 || command.indexOf('\n') >= 0)) {
            throw new IllegalArgumentException("ftp monitor: command must be one line");
        }
        this.transfer = command != null
                && TRANSFERS.contains(command.split("\\s+")[0].toUpperCase(Locale.ROOT));
        this.expectBody = expectBody;
        this.expect = ReplyBuffer.utf8(expectBody);
    }

    @Override
    public void start(ProbeConnector connector, ProbeAttempt attempt) {
        Control control = new Control(connector, attempt);
        ChannelFuture f = connector.connect(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new LineBasedFrameDecoder(4096),
                        new StringDecoder(StandardCharsets.UTF_8),
                        new StringEncoder(StandardCharsets.UTF_8),
                        control);
            }
        }, remote);
        attempt.track(f.channel());
        f.addListener(done -> {
            if (!done.isSuccess()) {
                attempt.fail(done.cause());
            }
        });
    }

    private enum Step { GREETING, USER, PASS, TYPE, PASSIVE, COMMAND, TRANSFER, QUIT }

    /** The control connection's state machine; one instance per attempt. */
    private final class Control extends SimpleChannelInboundHandler<String> {

        private final ProbeConnector connector;
        private final ProbeAttempt attempt;
        private final FtpReplyReader reader = new FtpReplyReader();
        private final ReplyBuffer data = new ReplyBuffer(MAX_DATA);
        private Step step = Step.GREETING;
        private Channel controlChannel;
        private boolean transferReplied;
        private boolean dataClosed;
        private String dataError;
        private String failure;
        private long failureNanos;

        Control(ProbeConnector connector, ProbeAttempt attempt) {
            this.connector = connector;
            this.attempt = attempt;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            controlChannel = ctx.channel();
            ctx.fireChannelActive();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String line) {
            FtpReplyReader.Reply reply;
            try {
                reply = reader.feed(line);
            } catch (IllegalArgumentException e) {
                // not an FTP server: no point in saying QUIT to it
                attempt.failAnswered(e.getMessage());
                return;
            }
            if (reply != null && !attempt.isDone()) {
                onReply(reply);
            }
        }

        private void onReply(FtpReplyReader.Reply r) {
            switch (step) {
                case GREETING -> expect(r.is(220), "greeting", r, () -> send(Step.USER, "USER " + user));
                case USER -> {
                    if (r.is(230)) {
                        loggedIn();
                    } else {
                        expect(r.is(331), "login", r, () -> send(Step.PASS, "PASS " + password));
                    }
                }
                case PASS -> expect(r.is(230, 202), "login", r, this::loggedIn);
                case TYPE -> expect(r.is(200), "TYPE I", r, () ->
                        send(Step.PASSIVE, remote.getAddress() instanceof Inet6Address ? "EPSV" : "PASV"));
                case PASSIVE -> expect(r.is(227, 229), "passive mode", r, () -> openData(r));
                case COMMAND -> onCommandReply(r);
                case TRANSFER -> expect(r.is(226, 250), command, r, () -> {
                    transferReplied = true;
                    maybeFinishTransfer();
                });
                case QUIT -> quitAnswered();
            }
        }

        private void quitAnswered() {
            if (failure == null) {
                attempt.succeed();
            } else {
                attempt.failAnswered(failure, failureNanos);
            }
        }

        private void loggedIn() {
            if (command == null) {
                send(Step.QUIT, "QUIT");
            } else if (transfer) {
                send(Step.TYPE, "TYPE I");
            } else {
                send(Step.COMMAND, command);
            }
        }

        private void onCommandReply(FtpReplyReader.Reply r) {
            if (transfer) {
                if (r.is(125, 150)) {
                    step = Step.TRANSFER;
                } else {
                    expect(r.is(226, 250), command, r, () -> {
                        transferReplied = true;
                        maybeFinishTransfer();
                    });
                }
                return;
            }
            if (r.code() / 100 != 2) {
                refuse(command + ": " + r);
            } else if (expectBody != null && !r.text().contains(expectBody)) {
                refuse(command + " reply did not contain " + ReplyBuffer.quote(expectBody));
            } else {
                send(Step.QUIT, "QUIT");
            }
        }

        private void openData(FtpReplyReader.Reply r) {
            int port;
            Matcher m = r.is(229) ? EPSV.matcher(r.text()) : PASV.matcher(r.text());
            if (!m.find()) {
                refuse("unreadable passive reply: " + r);
                return;
            }
            port = r.is(229) ? Integer.parseInt(m.group(1))
                    : Integer.parseInt(m.group(5)) * 256 + Integer.parseInt(m.group(6));
            if (port <= 0 || port > 65535) {
                refuse("bad passive port in: " + r);
                return;
            }
            ChannelFuture f = connector.connect(new DataHandler(), new InetSocketAddress(remote.getAddress(), port));
            attempt.track(f.channel());
            f.addListener(done -> {
                if (!done.isSuccess()) {
                    attempt.fail("data connection: " + ProbeAttempt.describe(done.cause()));
                } else {
                    send(Step.COMMAND, command);
                }
            });
        }

        private void maybeFinishTransfer() {
            if (!transferReplied || !dataClosed || attempt.isDone() || step == Step.QUIT) {
                return;
            }
            if (dataError != null) {
                refuse("data connection: " + dataError);
            } else if (expect != null && !data.contains(expect)) {
                refuse(command + " data did not contain " + ReplyBuffer.quote(expectBody));
            } else {
                send(Step.QUIT, "QUIT");
            }
        }

        /**
         * Fails the probe on a wrong answer, but says QUIT first: closing a session in the
         * middle makes many servers log an error for every failed probe.
         */
        private void refuse(String reason) {
            if (attempt.isDone()) {
                return;
            }
            if (controlChannel == null || !controlChannel.isActive()) {
                attempt.failAnswered(reason);
                return;
            }
            step = Step.QUIT;
            failure = reason;
            failureNanos = attempt.elapsedNanos();
            controlChannel.writeAndFlush("QUIT\r\n").addListener(w -> {
                if (!w.isSuccess()) {
                    attempt.failAnswered(reason);
                }
            });
        }

        private void expect(boolean ok, String what, FtpReplyReader.Reply r, Runnable next) {
            if (ok) {
                next.run();
            } else {
                refuse(what + ": " + r);
            }
        }

        private void send(Step next, String line) {
            step = next;
            controlChannel.writeAndFlush(line + "\r\n").addListener(w -> {
                if (!w.isSuccess()) {
                    attempt.fail(w.cause());
                }
            });
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (step == Step.QUIT) {
                quitAnswered();
            } else {
                attempt.fail("control connection closed during " + step.name().toLowerCase(Locale.ROOT));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            attempt.fail(cause);
        }

        /** Collects the data connection's bytes; its end is half of a finished transfer. */
        private final class DataHandler extends ChannelInboundHandlerAdapter {

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf buf = (ByteBuf) msg;
                try {
                    if (!data.append(buf)) {
                        refuse(command + " data larger than " + MAX_DATA + " bytes");
                    }
                } finally {
                    buf.release();
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                dataClosed = true;
                maybeFinishTransfer();
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                // a server refusing the command may reset the data connection before its
                // reply arrives: the reply on the control connection says what went wrong
                if (dataError == null) {
                    dataError = ProbeAttempt.describe(cause);
                }
                ctx.close();
            }
        }
    }
}
