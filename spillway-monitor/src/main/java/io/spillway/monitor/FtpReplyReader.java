package io.spillway.monitor;

/**
 * Assembles FTP control replies (RFC 959, 4.2) from lines: {@code 230 text} is a reply;
 * {@code 230-text} opens a multi-line reply that the first line starting with {@code 230 }
 * closes.
 */
final class FtpReplyReader {

    /** A complete reply: its code and its text (lines joined by newlines). */
    record Reply(int code, String text) {

        boolean is(int... codes) {
            for (int c : codes) {
                if (c == code) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return code + " " + text;
        }
    }

    private int openCode = -1;
    private StringBuilder openText;

    /**
     * @return the reply this line completes, or null when more lines are needed
     * @throws IllegalArgumentException when the line is not an FTP reply
     */
    Reply feed(String line) {
        if (openCode >= 0) {
            if (line.startsWith(openCode + " ")) {
                openText.append('\n').append(line.substring(4));
                Reply r = new Reply(openCode, openText.toString());
                openCode = -1;
                openText = null;
                return r;
            }
            openText.append('\n').append(line);
            return null;
        }
        if (line.length() < 3 || !Character.isDigit(line.charAt(0)) || !Character.isDigit(line.charAt(1))
                || !Character.isDigit(line.charAt(2)) || line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-') {
            throw new IllegalArgumentException("not an FTP reply: '" + (line.length() > 60 ? line.substring(0, 60) : line) + "'");
        }
        int code = Integer.parseInt(line.substring(0, 3));
        String text = line.length() > 4 ? line.substring(4) : "";
        if (line.length() > 3 && line.charAt(3) == '-') {
            openCode = code;
            openText = new StringBuilder(text);
            return null;
        }
        return new Reply(code, text);
    }
}
