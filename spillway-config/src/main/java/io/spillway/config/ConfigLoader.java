package io.spillway.config;

import io.spillway.core.model.SpillwayConfig;
import io.spillway.core.model.validate.ConfigProblem;
import io.spillway.core.model.validate.ConfigValidator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Reads a Spillway YAML configuration into the core model (SPEC P1) in three passes: YAML
 * into a tree that keeps positions; the tree into the model, substituting {@code ${VAR}}
 * and checking every key, type and range; then the semantic rules of {@link ConfigValidator}
 * (references, chains, per-type requirements), whose problems are mapped back to the position
 * of the field they name. The third pass runs even when the second found errors, so that one
 * run prints every error of a file; only the problems judged from a field the reader could not
 * read ({@link RuleInputs}, {@link MalformedPaths}) are left out. Every error is collected;
 * nothing is thrown for bad content.
 */
public final class ConfigLoader {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);
    private static final String TOO_LARGE = "file is larger than " + YamlTree.MAX_CHARS / (1024 * 1024) + " MiB";

    private ConfigLoader() {
    }

    /** Reads {@code file}, substituting from the process environment. */
    public static LoadResult load(Path file) {
        return load(file, System.getenv());
    }

    public static LoadResult load(Path file, Map<String, String> env) {
        String name = file.toString();
        String text;
        try {
            if (Files.size(file) > YamlTree.MAX_CHARS) {
                return failure(name, TOO_LARGE);
            }
            byte[] bytes = Files.readAllBytes(file);
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (NoSuchFileException e) {
            return failure(name, "cannot read the file: no such file");
        } catch (CharacterCodingException e) {
            return failure(name, "the file is not valid UTF-8 text");
        } catch (IOException | SecurityException e) {
            return failure(name, "cannot read the file: " + e.getMessage());
        }
        return parse(name, text, env);
    }

    /** Parses YAML text; {@code fileName} is only used to name positions in errors. */
    public static LoadResult parse(String fileName, String yaml, Map<String, String> env) {
        try {
            Problems problems = new Problems(fileName);
            Read read = read(yaml, problems, env);
            if (read == null) {
                return new LoadResult(null, problems.sorted());
            }
            PathIndex index = new PathIndex(read.root());
            MalformedPaths malformed = problems.malformed();
            for (ConfigProblem p : semanticProblems(read.config(), malformed.isEmpty())) {
                // a rule that looked at a field the reader could not read judged a default, not the file
                if (RuleInputs.of(p.path(), p.message()).stream().noneMatch(malformed::touches)) {
                    problems.report(index.mark(p.path()), p.path(), p.message());
                }
            }
            return new LoadResult(problems.isEmpty() ? read.config() : null, problems.sorted());
        } catch (RuntimeException e) {
            // A defect of the reader, not of the file: still an answer the CLI and reload can show.
            LOG.error("reading {} failed", fileName, e);
            return failure(fileName, "internal error while reading the configuration: " + e);
        }
    }

    /**
     * The rules of {@link ConfigValidator}, also over a model the reader could only partly read,
     * so that one run shows every error. The rules tolerate null and default fields; should one
     * still fail on such a model, the reader's errors stand alone (a complete model never gets
     * here with a failure hidden: it is rethrown).
     */
    private static List<ConfigProblem> semanticProblems(SpillwayConfig config, boolean complete) {
        try {
            return ConfigValidator.validate(config);
        } catch (RuntimeException e) {
            if (complete) {
                throw e;
            }
            LOG.debug("semantic rules skipped on a partly read configuration", e);
            return List.of();
        }
    }

    /** The first two passes only (syntax, keys, types, ranges): for tests of the reader alone. */
    static LoadResult readModel(String fileName, String yaml, Map<String, String> env) {
        Problems problems = new Problems(fileName);
        Read read = read(yaml, problems, env);
        return new LoadResult(read == null ? null : read.config(), problems.sorted());
    }

    private record Read(YamlNode root, SpillwayConfig config) {
    }

    private static Read read(String yaml, Problems problems, Map<String, String> env) {
        if (yaml.length() > YamlTree.MAX_CHARS) {
            problems.add(YamlNode.Mark.START, "", TOO_LARGE);
            return null;
        }
        YamlNode root = YamlTree.parse(stripBom(yaml), problems);
        if (root == null) {
            return null;
        }
        EnvSubstitution substitution = new EnvSubstitution(env == null ? Map.of() : env);
        SpillwayConfig config = RootSection.read(root, new ReadContext(problems, substitution));
        return new Read(root, config);
    }

    private static String stripBom(String text) {
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    private static LoadResult failure(String file, String message) {
        return new LoadResult(null, List.of(new ConfigError(file, 1, 1, "", message)));
    }
}
