package io.userstream.security;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.core.ResolvableType;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.codec.HttpMessageWriter;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * 401 and 403 as RFC 9457 problem details, written with the application's own codecs, so they look
 * like every other error of the service. A 401 carries one challenge per configured scheme.
 */
final class ProblemResponses implements ServerAuthenticationEntryPoint, ServerAccessDeniedHandler {

    private static final ResolvableType PROBLEM = ResolvableType.forClass(ProblemDetail.class);

    private final HttpMessageWriter<ProblemDetail> writer;
    private final List<String> challenges;

    @SuppressWarnings("unchecked")
    ProblemResponses(ServerCodecConfigurer codecs, List<String> challenges) {
        this.writer = (HttpMessageWriter<ProblemDetail>) codecs.getWriters().stream()
                .filter(candidate -> candidate.canWrite(PROBLEM, MediaType.APPLICATION_PROBLEM_JSON))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("No codec writes application/problem+json"));
        this.challenges = List.copyOf(challenges);
    }

    @Override
    public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException e) {
        exchange.getResponse().getHeaders().put(HttpHeaders.WWW_AUTHENTICATE, challenges);
        String detail = e instanceof AuthenticationCredentialsNotFoundException
                ? "This endpoint needs credentials: " + String.join(" or ", schemes()) + "."
                : "The credentials were not accepted: " + e.getMessage();
        return write(exchange, HttpStatus.UNAUTHORIZED, "Unauthorized", detail);
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, AccessDeniedException e) {
        return write(exchange, HttpStatus.FORBIDDEN, "Forbidden", "The caller's roles do not allow "
                + exchange.getRequest().getMethod() + " " + exchange.getRequest().getPath().value() + ".");
    }

    private List<String> schemes() {
        return challenges.stream().map(challenge -> challenge.split(" ", 2)[0]).toList();
    }

    private Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        problem.setInstance(URI.create(exchange.getRequest().getPath().value()));
        exchange.getResponse().setStatusCode(status);
        return writer.write(Mono.just(problem), PROBLEM, MediaType.APPLICATION_PROBLEM_JSON, exchange.getResponse(), Map.of());
    }
}
