package io.userstream.localstack.airflow;

/**
 * Airflow did not answer, or answered with a server error (5xx): it is restarting, or its metadata database
 * is away. Waits ride it out until their deadline; a single call reports it.
 */
public final class AirflowUnavailableException extends AirflowApiException {

    AirflowUnavailableException(String message) {
        super(message);
    }

    AirflowUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
