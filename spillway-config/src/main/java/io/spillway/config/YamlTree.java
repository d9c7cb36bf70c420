package io.spillway.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link YamlNode} tree from Jackson's streaming YAML parser, keeping the position
 * of every key and value. Jackson's own tree ({@code JsonNode}) forgets positions, which is
 * why the tree is built here. Malformed YAML becomes one error at the position the YAML
 * scanner reports; duplicate keys and aliases are errors too.
 */
final class YamlTree {

    /** Nesting the parser accepts; deeper documents are garbage, not configurations. */
    private static final int MAX_NESTING = 40;
    static final int MAX_CHARS = 4 * 1024 * 1024;

    private static final YAMLFactory FACTORY = YAMLFactory.builder().loaderOptions(loaderOptions()).build();

    private final YAMLParser parser;
    private final Problems problems;
    private int depth;

    private YamlTree(YAMLParser parser, Problems problems) {
        this.parser = parser;
        this.problems = problems;
    }

    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_CHARS);
        options.setNestingDepthLimit(MAX_NESTING);
        options.setMaxAliasesForCollections(10);
        options.setAllowDuplicateKeys(true); // reported by this class, with both positions
        return options;
    }

    /**
     * Parses one YAML document; returns its root, or null after adding an error to
     * {@code problems} when the text is not well-formed YAML or holds no document.
     */
    static YamlNode parse(String text, Problems problems) {
        try (YAMLParser parser = FACTORY.createParser(text)) {
            YamlTree tree = new YamlTree(parser, problems);
            JsonToken first = parser.nextToken();
            if (first == null) {
                problems.add(YamlNode.Mark.START, "", "the file holds no configuration");
                return null;
            }
            YamlNode root = tree.node(first, "");
            JsonToken extra = parser.nextToken();
            if (extra != null) {
                problems.add(mark(parser.currentTokenLocation()), "",
                        "a second YAML document: the configuration must be a single document");
                return null;
            }
            return root;
        } catch (TooDeep e) {
            problems.add(e.mark, "", "lists and mappings nest deeper than " + MAX_NESTING + " levels");
            return null;
        } catch (IOException | RuntimeException | StackOverflowError e) {
            reportMalformed(e, problems);
            return null;
        }
    }

    private YamlNode node(JsonToken token, String path) throws IOException {
        YamlNode.Mark mark = mark(parser.currentTokenLocation());
        if (parser.isCurrentAlias()) {
            problems.add(mark, path, "YAML aliases (*" + parser.getText()
                    + ") are not supported: write the value out");
            return new YamlNode.Scalar("", true, mark);
        }
        if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
            // The YAML parser itself recurses without bound on nested flow collections.
            if (++depth > MAX_NESTING) {
                throw new TooDeep(mark);
            }
            YamlNode collection = token == JsonToken.START_OBJECT ? mapping(mark, path) : sequence(mark, path);
            depth--;
            return collection;
        }
        return token == JsonToken.VALUE_NULL
                ? new YamlNode.Scalar("", true, mark)
                : new YamlNode.Scalar(parser.getText(), false, mark);
    }

    /** Thrown up the recursion when collections nest deeper than {@link #MAX_NESTING}. */
    private static final class TooDeep extends RuntimeException {
        private final YamlNode.Mark mark;

        TooDeep(YamlNode.Mark mark) {
            super(null, null, false, false);
            this.mark = mark;
        }
    }

    private YamlNode mapping(YamlNode.Mark mark, String path) throws IOException {
        List<YamlNode.Entry> entries = new ArrayList<>();
        Map<String, YamlNode.Mark> seen = new HashMap<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_OBJECT) {
            if (token == null) {
                throw new IOException("unexpected end of input inside a mapping");
            }
            String key = parser.currentName();
            YamlNode.Mark keyMark = mark(parser.currentTokenLocation());
            YamlNode value = node(parser.nextToken(), Paths.key(path, key));
            YamlNode.Mark first = seen.putIfAbsent(key, keyMark);
            if (first != null) {
                problems.add(keyMark, Paths.key(path, key), "duplicate key '" + key + "' (first at line " + first.line() + ")");
                continue;
            }
            entries.add(new YamlNode.Entry(key, keyMark, value));
        }
        return new YamlNode.Mapping(entries, mark);
    }

    private YamlNode sequence(YamlNode.Mark mark, String path) throws IOException {
        List<YamlNode> items = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (token == null) {
                throw new IOException("unexpected end of input inside a list");
            }
            items.add(node(token, Paths.index(path, items.size())));
        }
        return new YamlNode.Sequence(items, mark);
    }

    private static YamlNode.Mark mark(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return YamlNode.Mark.START;
        }
        return new YamlNode.Mark(location.getLineNr(), Math.max(1, location.getColumnNr()));
    }

    /** Reports a parse failure at the scanner's own position when it has one. */
    private static void reportMalformed(Throwable e, Problems problems) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
                Mark m = marked.getProblemMark();
                String problem = marked.getProblem() == null ? "malformed YAML" : marked.getProblem();
                String context = marked.getContext() == null ? "" : " (" + marked.getContext() + ")";
                problems.add(new YamlNode.Mark(m.getLine() + 1, m.getColumn() + 1), "",
                        "malformed YAML: " + oneLine(problem + context));
                return;
            }
        }
        YamlNode.Mark mark = e instanceof JsonProcessingException jpe ? mark(jpe.getLocation()) : YamlNode.Mark.START;
        String message = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
        problems.add(mark, "", "malformed YAML: " + oneLine(message == null ? e.getClass().getSimpleName() : message));
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s+", " ").trim();
    }
}
