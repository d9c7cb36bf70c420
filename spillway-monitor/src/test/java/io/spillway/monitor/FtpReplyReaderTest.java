package io.spillway.monitor;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FtpReplyReaderTest {

    @Test
    void readsOneLineReplies() {
        FtpReplyReader r = new FtpReplyReader();
        assertThat(r.feed("220 Service ready")).isEqualTo(new FtpReplyReader.Reply(220, "Service ready"));
        assertThat(r.feed("200")).isEqualTo(new FtpReplyReader.Reply(200, ""));
    }

    @Test
    void assemblesMultiLineRepliesUntilTheClosingCode() {
        FtpReplyReader r = new FtpReplyReader();
        assertThat(r.feed("230-Welcome")).isNull();
        assertThat(r.feed(" to the server")).isNull();
        assertThat(r.feed("230-still going")).isNull();
        FtpReplyReader.Reply reply = r.feed("230 Logged in");
        assertThat(reply.code()).isEqualTo(230);
        assertThat(reply.text()).isEqualTo("Welcome\n to the server\n230-still going\nLogged in");
        assertThat(r.feed("226 done").code()).isEqualTo(226);
    }

    @Test
    void rejectsLinesThatAreNotReplies() {
        FtpReplyReader r = new FtpReplyReader();
        assertThatThrownBy(() -> r.feed("HTTP/1.1 400 Bad Request")).hasMessageStartingWith("not an FTP reply");
        assertThatThrownBy(() -> r.feed("22")).hasMessageStartingWith("not an FTP reply");
        assertThatThrownBy(() -> r.feed("220x")).hasMessageStartingWith("not an FTP reply");
    }
}
