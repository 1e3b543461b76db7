package dev.remotemedia.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import dev.remotemedia.pipeline.ErrorKind;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

import java.util.Optional;

/**
 * Error kinds cross gRPC as a {@code google.rpc.ErrorInfo} status detail (reason = the
 * {@link ErrorKind}, domain {@value #DOMAIN}), so clients read a typed field instead of parsing
 * the description. Metadata {@code not_served_here=true} marks answers that another worker of
 * the fleet may not give (no model, pipeline not offered here): clients fail over without blame.
 */
public final class ErrorDetails {
    public static final String DOMAIN = "remotemedia.dev";
    static final String NOT_SERVED_HERE = "not_served_here";

    private ErrorDetails() {}

    public static StatusRuntimeException status(Status status, ErrorKind kind, String message) {
        return status(status, kind, message, false);
    }

    public static StatusRuntimeException status(Status status, ErrorKind kind, String message, boolean notServedHere) {
        return StatusProto.toStatusRuntimeException(proto(status, kind, message, notServedHere));
    }

    /** Trailers carrying the detail, for interceptors that close a call themselves. */
    static Metadata trailers(Status status, ErrorKind kind, String message) {
        return StatusProto.toStatusRuntimeException(proto(status, kind, message, false)).getTrailers();
    }

    private static com.google.rpc.Status proto(Status status, ErrorKind kind, String message, boolean notServedHere) {
        ErrorInfo.Builder info = ErrorInfo.newBuilder().setReason(kind.name()).setDomain(DOMAIN);
        if (notServedHere) info.putMetadata(NOT_SERVED_HERE, "true");
        return com.google.rpc.Status.newBuilder().setCode(status.getCode().value()).setMessage(message)
                .addDetails(Any.pack(info.build())).build();
    }

    /** Our ErrorInfo in a failed call's trailers, if the server sent one. */
    public static Optional<ErrorInfo> info(Throwable e) {
        com.google.rpc.Status s = StatusProto.fromThrowable(e);
        if (s == null) return Optional.empty();
        for (Any any : s.getDetailsList()) {
            if (!any.is(ErrorInfo.class)) continue;
            try {
                ErrorInfo info = any.unpack(ErrorInfo.class);
                if (DOMAIN.equals(info.getDomain())) return Optional.of(info);
            } catch (InvalidProtocolBufferException ignored) {
                // a detail we cannot read is as good as none
            }
        }
        return Optional.empty();
    }

    /** The error kind the server named, if any (unknown names from a newer server: empty). */
    public static Optional<ErrorKind> kind(Throwable e) {
        return info(e).flatMap(ErrorDetails::kind);
    }

    public static Optional<ErrorKind> kind(ErrorInfo info) {
        try {
            return Optional.of(ErrorKind.valueOf(info.getReason()));
        } catch (IllegalArgumentException unknown) {
            return Optional.empty();
        }
    }

    /** True when the server said this worker cannot serve the request but another may. */
    public static boolean notServedHere(ErrorInfo info) {
        return "true".equals(info.getMetadataMap().get(NOT_SERVED_HERE));
    }
}
