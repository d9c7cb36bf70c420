package io.spillway.config;

import java.util.HashMap;
import java.util.Map;

/**
 * Positions of every node of a tree by field path, so that a semantic problem found on the
 * model (which has no positions) can be reported where it was written. A path that is not in
 * the file (a missing key) resolves to its closest written ancestor.
 */
final class PathIndex {

    private final Map<String, YamlNode.Mark> marks = new HashMap<>();

    PathIndex(YamlNode root) {
        walk(root, "");
    }

    private void walk(YamlNode node, String path) {
        marks.put(path, node.mark());
        if (node instanceof YamlNode.Mapping m) {
            for (YamlNode.Entry e : m.entries()) {
                walk(e.value(), Paths.key(path, e.key()));
            }
        } else if (node instanceof YamlNode.Sequence s) {
            for (int i = 0; i < s.items().size(); i++) {
                walk(s.items().get(i), Paths.index(path, i));
            }
        }
    }

    YamlNode.Mark mark(String path) {
        String p = path;
        while (true) {
            YamlNode.Mark mark = marks.get(p);
            if (mark != null) {
                return mark;
            }
            if (p.isEmpty()) {
                return YamlNode.Mark.START;
            }
            p = Paths.parent(p);
        }
    }
}
