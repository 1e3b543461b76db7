package dev.remotemedia.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The README's configuration reference, generated from the `@ConfigMapping` interfaces' sources:
 * every `remotemedia.*` key with its default, unit (from the name's suffix) and the one-line
 * javadoc of its method. Javadoc does not survive compilation, hence the source walk.
 */
public final class ConfigReference {
    public record Key(String name, String defaultValue, String unit, String doc) {}

    private static final Pattern MAPPING = Pattern.compile("@ConfigMapping\\(prefix = \"([^\"]+)\"\\)\\s*public interface (\\w+)");
    private static final Pattern MEMBER = Pattern.compile(
            "/\\*\\*(.*?)\\*/\\s*((?:@\\w+(?:\\([^)]*\\))?\\s*)*)([\\w.<>, ]+?)\\s+(\\w+)\\(\\);", Pattern.DOTALL);
    private static final Pattern DEFAULT = Pattern.compile("@WithDefault\\(\"((?:[^\"\\\\]|\\\\.)*)\"\\)");

    private ConfigReference() {}

    /** Every key of every mapping under {@code sources}, sorted by name. */
    public static List<Key> keys(Path sources) throws IOException {
        Map<String, Key> keys = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(sources)) {
            files = s.filter(f -> f.toString().endsWith(".java")).toList();
        }
        for (Path f : files) {
            String text = Files.readString(f);
            Matcher m = MAPPING.matcher(text);
            if (!m.find()) continue;
            collect(text, m.group(2), m.group(1), keys);
        }
        return new ArrayList<>(keys.values());
    }

    /** Members of interface {@code type} (its body in {@code text}) under {@code prefix}; nested interfaces recurse. */
    private static void collect(String text, String type, String prefix, Map<String, Key> keys) {
        String body = body(text, type);
        String own = withoutNested(body);
        Matcher m = MEMBER.matcher(own);
        while (m.find()) {
            String doc = oneLine(m.group(1));
            String returns = m.group(3).trim();
            String key = prefix + "." + kebab(m.group(4));
            if (body(text, returns) != null && !returns.contains("<")) { // a group of keys
                collect(text, returns, key, keys);
                continue;
            }
            Matcher d = DEFAULT.matcher(m.group(2));
            String def = d.find() ? d.group(1) : "–";
            keys.put(key, new Key(key, def, unit(key), doc));
        }
    }

    /** The text between the braces of {@code interface NAME}, or null. */
    private static String body(String text, String name) {
        Matcher m = Pattern.compile("interface " + Pattern.quote(name) + "\\b[^{]*\\{").matcher(text);
        if (!m.find()) return null;
        int depth = 1, i = m.end();
        for (; i < text.length() && depth > 0; i++) {
            if (text.charAt(i) == '{') depth++;
            if (text.charAt(i) == '}') depth--;
        }
        return text.substring(m.end(), i - 1);
    }

    /** The body with nested interface declarations cut out (their members belong to their own prefix). */
    private static String withoutNested(String body) {
        StringBuilder b = new StringBuilder();
        Matcher m = Pattern.compile("interface \\w+[^{]*\\{").matcher(body);
        int from = 0;
        while (m.find(from)) {
            int start = body.lastIndexOf("/**", m.start());
            if (start < from || body.substring(start, m.start()).contains("();")) start = m.start();
            b.append(body, from, start);
            int depth = 1, i = m.end();
            for (; i < body.length() && depth > 0; i++) {
                if (body.charAt(i) == '{') depth++;
                if (body.charAt(i) == '}') depth--;
            }
            from = i;
        }
        return b.append(body.substring(from)).toString();
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    static String unit(String key) {
        if (key.endsWith("-ms")) return "ms";
        if (key.endsWith("-s")) return "s";
        if (key.endsWith("-bytes")) return "bytes";
        return "";
    }

    private static String oneLine(String javadoc) {
        return javadoc.replaceAll("(?m)^\\s*\\*\\s?", " ").replaceAll("\\{@(?:code|link) ([^}]*)}", "`$1`")
                .replaceAll("\\s+", " ").trim().replace("|", "\\|");
    }

    /** The Markdown table. */
    public static String markdown(List<Key> keys) {
        StringBuilder b = new StringBuilder("| key | default | unit | meaning |\n|---|---|---|---|\n");
        for (Key k : keys) {
            b.append("| `").append(k.name()).append("` | ").append(k.defaultValue().equals("–") ? "–" : "`" + k.defaultValue() + "`")
                    .append(" | ").append(k.unit()).append(" | ").append(k.doc()).append(" |\n");
        }
        return b.toString();
    }
}
