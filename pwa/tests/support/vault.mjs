// Stores for node tests come back unlocked, with a cheap key derivation (the real count is for phones).
export const TEST_VAULT = { password: 'test-password', iterations: 1000 };
