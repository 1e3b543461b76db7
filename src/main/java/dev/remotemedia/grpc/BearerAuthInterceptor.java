package dev.remotemedia.grpc;

import dev.remotemedia.pipeline.TokenAuthenticator;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/** Rejects calls without an accepted bearer token with UNAUTHENTICATED; health (and reflection) may be exempt. */
public final class BearerAuthInterceptor implements ServerInterceptor {
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    /** Load balancers' readiness probe: no token, like grpc.health.v1. */
    static final String READY = "remotemedia.v1.PipelineService/Ready";
    private final TokenAuthenticator tokens;
    private final boolean exemptHealth;

    public BearerAuthInterceptor(TokenAuthenticator tokens, boolean exemptHealth) {
        this.tokens = tokens;
        this.exemptHealth = exemptHealth;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String service = call.getMethodDescriptor().getServiceName();
        if (tokens.disabled() || exemptHealth && service != null
                && (service.equals("grpc.health.v1.Health") || service.startsWith("grpc.reflection.")
                || call.getMethodDescriptor().getFullMethodName().equals(READY))) {
            return next.startCall(call, headers);
        }
        var verdict = tokens.check(headers.get(AUTHORIZATION));
        if (verdict != TokenAuthenticator.Verdict.OK) {
            String why = TokenAuthenticator.describe(verdict);
            call.close(Status.UNAUTHENTICATED.withDescription(why),
                    ErrorDetails.trailers(Status.UNAUTHENTICATED, dev.remotemedia.pipeline.ErrorKind.Unauthenticated, why));
            return new ServerCall.Listener<>() {};
        }
        return next.startCall(call, headers);
    }
}
