package dev.zumik.sim.profile;

/**
 * Whose wire format a simulated backend speaks: usage fields, when cached tokens appear, error
 * bodies and model cards (each runtime's API reference; docs/SIMULATOR.md).
 */
public enum WireDialect {
    /** OpenAI's API: {@code prompt_tokens_details.cached_tokens} always present, string error codes. */
    OPENAI,
    /** Anthropic's Messages API: {@code cache_read_input_tokens}/{@code cache_creation_input_tokens}. */
    ANTHROPIC,
    /** vLLM: cached tokens only when > 0 (with {@code --enable-prompt-tokens-details}), integer error codes. */
    VLLM,
    /** SGLang with {@code --enable-cache-report}: cached tokens only when > 0, flat error bodies. */
    SGLANG,
    /** NVIDIA Dynamo's frontend: {@code prompt_tokens_details{audio_tokens:null, cached_tokens}}, flat errors. */
    DYNAMO
}
