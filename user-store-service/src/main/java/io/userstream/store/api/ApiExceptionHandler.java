package io.userstream.store.api;

import com.datastax.oss.driver.api.core.DriverException;
import io.userstream.store.query.InvalidPageTokenException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ServerWebInputException;

/** Every error of the API as application/problem+json, the offending parameter named in {@code parameter}. */
@RestControllerAdvice
class ApiExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler
    ProblemDetail invalidParameter(InvalidParameterException e) {
        return problem(HttpStatus.BAD_REQUEST, "Invalid parameter", e.getMessage(), e.parameter());
    }

    @ExceptionHandler
    ProblemDetail invalidPageToken(InvalidPageTokenException e) {
        return problem(HttpStatus.BAD_REQUEST, "Invalid parameter", e.getMessage(), "pageToken");
    }

    @ExceptionHandler
    ProblemDetail notFound(ResourceNotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "Not found", e.getMessage(), e.parameter());
    }

    @ExceptionHandler
    ProblemDetail badInput(ServerWebInputException e) {
        String parameter = e.getMethodParameter() != null ? e.getMethodParameter().getParameterName() : null;
        return problem(HttpStatus.BAD_REQUEST, "Invalid request", e.getReason(), parameter);
    }

    /** Cassandra down or timing out on a read or an erasure: the client may try again later (an erasure is idempotent). */
    @ExceptionHandler
    ProblemDetail storeUnavailable(DriverException e) {
        log.warn("Cassandra request failed: {}", e.toString());
        return problem(HttpStatus.SERVICE_UNAVAILABLE, "Store unavailable", "Cassandra did not answer: " + e.getMessage(), null);
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail, String parameter) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        if (parameter != null) {
            problem.setProperty("parameter", parameter);
        }
        return problem;
    }
}
