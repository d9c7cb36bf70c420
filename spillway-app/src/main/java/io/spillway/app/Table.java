package io.spillway.app;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table with columns sized to their widest cell, for the terminal. */
final class Table {

    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();

    Table(String... header) {
        this.header = header;
    }

    Table row(String... cells) {
        rows.add(cells);
        return this;
    }

    @Override
    public String toString() {
        int[] width = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            width[i] = header[i].length();
        }
        for (String[] r : rows) {
            for (int i = 0; i < r.length && i < width.length; i++) {
                width[i] = Math.max(width[i], r[i] == null ? 1 : r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header, width);
        for (String[] r : rows) {
            line(sb, r, width);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String[] cells, int[] width) {
        for (int i = 0; i < width.length; i++) {
            String c = i < cells.length && cells[i] != null ? cells[i] : "-";
            sb.append(c);
            if (i < width.length - 1) {
                sb.append(" ".repeat(width[i] - c.length() + 2));
            }
        }
        sb.append('\n');
    }
}
