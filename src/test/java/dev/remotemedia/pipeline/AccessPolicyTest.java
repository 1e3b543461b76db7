package dev.remotemedia.pipeline;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who gets in: without tokens loopback and listed networks; with tokens whoever sends one. */
class AccessPolicyTest {
    @Test
    void withoutTokensOnlyLoopbackAndListedNetworksGetIn() throws Exception {
        var p = new AccessPolicy(new TokenAuthenticator(List.of()), List.of("10.0.0.0/16"));
        assertNull(p.deny(null, InetAddress.getByName("127.0.0.1")));
        assertNull(p.deny(null, InetAddress.getByName("127.0.0.3")), "all of 127/8 is loopback");
        assertNull(p.deny(null, InetAddress.getByName("::1")));
        assertNull(p.deny(null, InetAddress.getByName("10.0.3.4")), "listed network");
        assertNull(p.deny(null, null), "in-process calls have no address");
        String why = p.deny("Bearer anything", InetAddress.getByName("192.0.2.7"));
        assertTrue(why != null && why.contains("192.0.2.7") && why.contains("remotemedia.grpc.auth.tokens")
                && why.contains("remotemedia.grpc.auth.anonymous-networks"), why);
        assertTrue(p.deny(null, InetAddress.getByName("10.1.0.1")) != null, "10.1/16 is outside 10.0/16");
        assertTrue(p.summary().contains("only loopback callers and 10.0.0.0/16"), p.summary());
    }

    @Test
    void withTokensEveryCallerNeedsOneLoopbackToo() throws Exception {
        var p = new AccessPolicy(new TokenAuthenticator(List.of("t0k")), List.of());
        assertTrue(p.deny(null, InetAddress.getByName("127.0.0.1")).contains("missing authorization"));
        assertTrue(p.deny("Bearer nope", InetAddress.getByName("192.0.2.7")).contains("not accepted"));
        assertNull(p.deny("Bearer t0k", InetAddress.getByName("192.0.2.7")));
        assertTrue(p.summary().contains("need a bearer token"), p.summary());
    }

    @Test
    void aBadNetworkIsNamedAtStart() {
        var e = assertThrows(IllegalArgumentException.class, () -> new AccessPolicy(new TokenAuthenticator(List.of()), List.of("10.0.0.0/99")));
        assertTrue(e.getMessage().contains("remotemedia.grpc.auth.anonymous-networks") && e.getMessage().contains("10.0.0.0/99"), e.getMessage());
    }
}
