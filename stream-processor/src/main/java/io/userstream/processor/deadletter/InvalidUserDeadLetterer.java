package io.userstream.processor.deadletter;

import java.time.Clock;

import io.userstream.processor.validate.Validation;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** Turns a rejected user into its dead-letter record: the original value bytes with the dlq.* headers. */
public class InvalidUserDeadLetterer implements Processor<String, Validation, String, byte[]> {

    private final Clock clock;
    private final String service;
    private ProcessorContext<String, byte[]> context;

    public InvalidUserDeadLetterer(Clock clock, String service) {
        this.clock = clock;
        this.service = service;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, Validation> record) {
        Validation.Invalid invalid = (Validation.Invalid) record.value();
        RecordMetadata source = context.recordMetadata().orElseThrow();
        byte[] originalBytes = invalid.sourced() == null ? null : invalid.sourced().originalBytes();
        context.forward(record.withValue(originalBytes).withHeaders(DeadLetterHeaders.with(record.headers(),
                invalid.reason().code(), invalid.message(), DeadLetterHeaders.STAGE_VALIDATE,
                source.topic(), source.partition(), source.offset(), clock.instant(), service)));
    }
}
