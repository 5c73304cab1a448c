/**
 * The binary message of a pipeline edge: {@link dev.sluice.core.envelope.Envelope}, a flyweight over a fixed
 * header and the canonical payload, and {@link dev.sluice.core.envelope.EnvelopeDescriptor}, its layout. The bytes
 * written to a ring buffer are the bytes that are hashed and journaled: a value is encoded once.
 */
package dev.sluice.core.envelope;
