"""The preludes of generated code, one real Python file per target (read as text by codegen.targets)."""
