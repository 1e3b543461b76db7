package dev.remotemedia.grpc;

import dev.remotemedia.pipeline.AccessPolicy;
import io.grpc.Grpc;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Rejects calls the {@link AccessPolicy} refuses (no accepted bearer token; without tokens, a
 * non-loopback caller) with UNAUTHENTICATED; health, reflection and Ready may be exempt.
 */
public final class BearerAuthInterceptor implements ServerInterceptor {
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    /** Load balancers' readiness probe: no token, like grpc.health.v1. */
    static final String READY = "remotemedia.v1.PipelineService/Ready";
    private final AccessPolicy access;
    private final boolean exemptHealth;

    public BearerAuthInterceptor(AccessPolicy access, boolean exemptHealth) {
        this.access = access;
        this.exemptHealth = exemptHealth;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String service = call.getMethodDescriptor().getServiceName();
        if (exemptHealth && service != null
                && (service.equals("grpc.health.v1.Health") || service.startsWith("grpc.reflection.")
                || call.getMethodDescriptor().getFullMethodName().equals(READY))) {
            return next.startCall(call, headers);
        }
        var peer = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        String why = access.deny(headers.get(AUTHORIZATION),
                peer instanceof java.net.InetSocketAddress a ? a.getAddress() : null);
        if (why != null) {
            call.close(Status.UNAUTHENTICATED.withDescription(why),
                    ErrorDetails.trailers(Status.UNAUTHENTICATED, dev.remotemedia.pipeline.ErrorKind.Unauthenticated, why));
            return new ServerCall.Listener<>() {};
        }
        return next.startCall(call, headers);
    }
}
