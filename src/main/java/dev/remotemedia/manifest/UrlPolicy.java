package dev.remotemedia.manifest;

import dev.remotemedia.pipeline.Networks;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which manifest URLs a worker fetches on a client's request. Without it a client could make a
 * worker read {@code file:/…}, the cloud metadata service (169.254.169.254) or any private service:
 * server-side request forgery. Every http(s) host must resolve only to public addresses unless its
 * network is listed; redirects are checked hop by hop by the fetcher.
 *
 * @param schemes      allowed URL schemes (https, s3, http, file)
 * @param hosts        allowed http(s) hosts, exact or {@code *.example.org}; empty = any public host
 * @param buckets      allowed S3 buckets; empty = any
 * @param allowNetworks CIDRs a host may resolve to even though private, loopback or link-local
 */
public final class UrlPolicy {
    /** https and s3 only, public addresses only, any host and bucket. */
    public static final UrlPolicy DEFAULT = new UrlPolicy(Set.of("https", "s3"), List.of(), List.of(), List.of());

    /** Everything, for URLs an operator wrote (CLI, tests): never for a client's request. */
    public static final UrlPolicy UNRESTRICTED = new UrlPolicy(Set.of("https", "s3", "http", "file"), List.of(), List.of(),
            List.of("0.0.0.0/0", "::/0"));

    private static final String KEY = "remotemedia.grpc.manifest-urls.allow-networks";
    // "this network", carrier-grade NAT (some clouds' metadata), IPv6 unique-local (AWS fd00:ec2::254)
    private static final Networks ALWAYS_PRIVATE = Networks.of(List.of("0.0.0.0/8", "100.64.0.0/10", "fc00::/7"), "built-in");

    private final Set<String> schemes;
    private final List<String> hosts;
    private final List<String> buckets;
    private final Networks allowed; // parsed once: a bad CIDR fails at start, naming it

    public UrlPolicy(Set<String> schemes, List<String> hosts, List<String> buckets, List<String> allowNetworks) {
        this.schemes = schemes.stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        this.hosts = List.copyOf(hosts);
        this.buckets = List.copyOf(buckets);
        this.allowed = Networks.of(allowNetworks, KEY);
    }

    /** Throws {@link IllegalArgumentException} naming why {@code url} may not be fetched. */
    public void check(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!schemes.contains(scheme)) {
            throw refused(url, "scheme \"" + scheme + "\" is not allowed (allowed: " + String.join(", ", schemes.stream().sorted().toList())
                    + "; remotemedia.grpc.manifest-urls.schemes)");
        }
        switch (scheme) {
            case "s3" -> {
                if (!buckets.isEmpty() && !buckets.contains(url.getHost())) {
                    throw refused(url, "bucket \"" + url.getHost() + "\" is not in remotemedia.grpc.manifest-urls.s3-buckets (" + String.join(", ", buckets) + ")");
                }
            }
            case "http", "https" -> checkHost(url);
            default -> { }
        }
    }

    private void checkHost(URI url) {
        String host = url.getHost();
        if (host == null || host.isEmpty()) throw refused(url, "no host");
        String h = host.toLowerCase(Locale.ROOT);
        if (!hosts.isEmpty() && hosts.stream().noneMatch(p -> p.startsWith("*.") ? h.endsWith(p.substring(1)) : h.equals(p))) {
            throw refused(url, "host " + host + " is not in remotemedia.grpc.manifest-urls.hosts (" + String.join(", ", hosts) + ")");
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(h.startsWith("[") ? h.substring(1, h.length() - 1) : h);
        } catch (UnknownHostException e) {
            throw refused(url, "host " + host + " does not resolve");
        }
        for (InetAddress a : addresses) {
            String kind = privateKind(a);
            if (kind != null && !allowed.contains(a)) {
                throw refused(url, host + " resolves to " + a.getHostAddress() + ", a " + kind
                        + " address; list its network in remotemedia.grpc.manifest-urls.allow-networks to allow it");
            }
        }
    }

    /** Null for a public address, else what it is. */
    static String privateKind(InetAddress a) {
        if (a.isLoopbackAddress()) return "loopback";
        if (a.isLinkLocalAddress()) return "link-local (cloud metadata)";
        if (a.isSiteLocalAddress()) return "private";
        if (a.isAnyLocalAddress()) return "wildcard";
        if (a.isMulticastAddress()) return "multicast";
        return ALWAYS_PRIVATE.contains(a) ? "private" : null;
    }

    private static IllegalArgumentException refused(URI url, String why) {
        return new IllegalArgumentException("manifest_url " + ManifestFetcher.printable(url.toString()) + " refused: " + why);
    }
}
