package dev.sluice.pipeline;

/**
 * The part of a started node that depends on its kind: what it keeps between executions and how it runs. One per
 * node of a started flow, made from the node's type by {@link NodeExecutor}, which dispatches on this type; each
 * kind takes only the arguments it needs.
 */
sealed interface NodeExecution permits MapExecution, CallExecution, GateExecution, SinkExecution {}
