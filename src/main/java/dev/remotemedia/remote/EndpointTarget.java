package dev.remotemedia.remote;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One configured endpoint: {@code host:port} (one endpoint; the channel resolves the name itself)
 * or {@code dns:///NAME:PORT} (one endpoint per A/AAAA record of NAME, re-resolved — what ECS
 * service discovery and Kubernetes headless Services publish: one record per task/pod).
 */
public record EndpointTarget(String host, int port, boolean discovered) {
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9a-fA-F:.]+]|[A-Za-z0-9._-]+):(\\d{1,5})");
    static final String DNS = "dns:///";

    /** The target, or null when {@code text} is neither form (see {@link #problem}). */
    public static EndpointTarget parse(String text) {
        boolean dns = text.startsWith(DNS);
        Matcher m = HOST_PORT.matcher(dns ? text.substring(DNS.length()) : text);
        if (!m.matches()) return null;
        int port = Integer.parseInt(m.group(2));
        if (port < 1 || port > 65535) return null;
        String host = m.group(1);
        if (host.startsWith("[")) host = host.substring(1, host.length() - 1);
        return new EndpointTarget(host, port, dns);
    }

    /** Why {@code text} is not an endpoint, or null when it is one. */
    public static String problem(String text) {
        if (parse(text) != null) return null;
        if (text.startsWith("dns:") && !text.startsWith(DNS)) {
            return "must be dns:///NAME:PORT (three slashes: no DNS server authority), got \"" + text + "\"";
        }
        return "must be host:port or dns:///NAME:PORT (port 1-65535), got \"" + text + "\"";
    }

    /** "host:port" with IPv6 literals bracketed: how endpoints are named in metrics, events and logs. */
    static String address(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return (discovered ? DNS : "") + address(host, port);
    }
}
