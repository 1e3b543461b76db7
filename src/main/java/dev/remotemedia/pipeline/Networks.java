package dev.remotemedia.pipeline;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/** A list of CIDR networks from config (netty's subnet rules do the matching). */
public final class Networks {
    private final List<IpSubnetFilterRule> rules;

    private Networks(List<IpSubnetFilterRule> rules) {
        this.rules = rules;
    }

    /** Parses {@code cidrs}; a bad entry fails naming it and the config key it came from. */
    public static Networks of(List<String> cidrs, String key) {
        return new Networks(cidrs.stream().map(c -> rule(c, key)).toList());
    }

    public boolean contains(InetAddress a) {
        var where = new InetSocketAddress(a, 0);
        for (IpSubnetFilterRule r : rules) if (r.matches(where)) return true;
        return false;
    }

    private static IpSubnetFilterRule rule(String cidr, String key) {
        int slash = cidr.indexOf('/');
        try {
            if (slash < 0) throw new IllegalArgumentException("no /prefix");
            return new IpSubnetFilterRule(cidr.substring(0, slash).trim(), Integer.parseInt(cidr.substring(slash + 1).trim()), IpFilterRuleType.ACCEPT);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(key + ": \"" + cidr + "\" is not a CIDR like 10.0.0.0/8 (" + e.getMessage() + ")");
        }
    }
}
