package io.userstream.console.api;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ServerWebInputException;

/** Every error of the console's API as application/problem+json; a server that did not answer is named. */
@RestControllerAdvice
class ConsoleExceptionHandler {

    @ExceptionHandler
    ProblemDetail invalid(InvalidRequestException e) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Invalid request", e.getMessage());
        problem.setProperty("parameter", e.parameter());
        return problem;
    }

    @ExceptionHandler
    ProblemDetail badInput(ServerWebInputException e) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Invalid request", e.getReason());
        if (e.getMethodParameter() != null) {
            problem.setProperty("parameter", e.getMethodParameter().getParameterName());
        }
        return problem;
    }

    @ExceptionHandler
    ProblemDetail unavailable(ServerUnavailableException e) {
        ProblemDetail problem = problem(HttpStatus.SERVICE_UNAVAILABLE, "Server unavailable", e.getMessage());
        problem.setProperty("server", e.server());
        return problem;
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return problem;
    }
}
