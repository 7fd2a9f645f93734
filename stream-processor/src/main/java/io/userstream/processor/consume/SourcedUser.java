package io.userstream.processor.consume;

import io.userstream.schema.UserCreated;

/**
 * A users_created value as read, with the bytes it was read from, so that a rejected user can be
 * dead-lettered as exactly what the producer wrote.
 *
 * @param originalBytes the record value as it was on the topic
 * @param user          the decoded value
 */
public record SourcedUser(byte[] originalBytes, UserCreated user) {
}
