package dev.remotemedia.manifest;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * `${VAR}` and `${VAR:-default}` expansion in string parameter values. A default may itself hold
 * references (`${REMOTEMEDIA_REMOTE:-localhost:${quarkus.grpc.server.port}}`), expanded only when used.
 */
public final class Substitution {
    private static final Pattern REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_.-]*)(?::-((?:[^}$]|\\$\\{[^}]*}|\\$)*))?}");

    private Substitution() {}

    /** Result of expanding one string: the value, or the names of the variables that were unset. */
    public record Result(String value, List<String> missing) {
        public boolean ok() { return missing.isEmpty(); }
    }

    public static boolean hasReference(String text) {
        return text != null && REF.matcher(text).find();
    }

    public static Result expand(String text, VariableSource vars) {
        Matcher m = REF.matcher(text);
        StringBuilder out = new StringBuilder();
        List<String> missing = new ArrayList<>();
        while (m.find()) {
            String name = m.group(1);
            String fallback = m.group(2);
            String value = vars.get(name).orElse(null);
            if (value == null && fallback != null) {
                Result inner = expand(fallback, vars);
                missing.addAll(inner.missing());
                value = inner.value();
            }
            if (value == null) {
                missing.add(name);
                value = "";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return new Result(out.toString(), List.copyOf(missing));
    }
}
