"""A fast yes/no answer to "does this record fit the schema?", compiled once from the
shipped JSON Schema, for the keywords that schema uses. ``jsonschema`` is the
authority: a record this check does not pass is validated again by ``jsonschema``,
whose errors are what the user is told; a record it passes skips ``jsonschema``,
which costs about a millisecond per line (two thirds of an import's time). The test
``test_exchange_fastcheck.py`` holds the two to the same answer over thousands of
mutated records. A schema keyword this module does not know makes ``compile`` fail,
so a changed schema cannot be checked half."""

import re
from collections.abc import Callable

Check = Callable[[object], bool]

KNOWN = {
    "$schema", "$id", "title", "description", "$defs", "type", "enum", "const",
    "required", "additionalProperties", "properties", "items", "minItems", "uniqueItems",
    "minLength", "maxLength", "minimum", "maximum", "pattern", "anyOf", "$ref",
}  # fmt: skip


def _is_type(value, name: str) -> bool:
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "string":
        return isinstance(value, str)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "null":
        return value is None
    if name == "integer":
        if isinstance(value, bool):
            return False
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if name == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    raise ValueError(f"unknown type {name}")


def _same(a, b) -> bool:
    """JSON equality, as JSON Schema has it: true is not 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return a == b


def compile_schema(schema: dict, root: dict | None = None) -> Check:
    root = root or schema
    unknown = set(schema) - KNOWN
    if unknown:
        raise ValueError(f"schema keywords not supported: {sorted(unknown)}")
    checks: list[Check] = []
    if "$ref" in schema:
        ref = schema["$ref"]
        if not ref.startswith("#/$defs/"):
            raise ValueError(f"unsupported $ref {ref}")
        target = root["$defs"][ref.removeprefix("#/$defs/")]
        cache: list[Check] = []

        def by_ref(value):
            if not cache:
                cache.append(compile_schema(target, root))
            return cache[0](value)

        checks.append(by_ref)
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        checks.append(lambda v, names=names: any(_is_type(v, n) for n in names))
    if "enum" in schema:
        options = schema["enum"]
        checks.append(lambda v, options=options: any(_same(v, o) for o in options))
    if "const" in schema:
        constant = schema["const"]
        checks.append(lambda v, constant=constant: _same(v, constant))
    if "minLength" in schema or "maxLength" in schema or "pattern" in schema:
        low, high = schema.get("minLength", 0), schema.get("maxLength")
        pattern = re.compile(schema["pattern"]) if "pattern" in schema else None

        def text(v, low=low, high=high, pattern=pattern):
            if not isinstance(v, str):
                return True
            if len(v) < low or (high is not None and len(v) > high):
                return False
            return pattern is None or pattern.search(v) is not None

        checks.append(text)
    if "minimum" in schema or "maximum" in schema:
        low, high = schema.get("minimum"), schema.get("maximum")

        def number(v, low=low, high=high):
            if isinstance(v, bool) or not isinstance(v, int | float):
                return True
            return (low is None or v >= low) and (high is None or v <= high)

        checks.append(number)
    if {"properties", "required", "additionalProperties"} & set(schema):
        properties = {k: compile_schema(s, root) for k, s in schema.get("properties", {}).items()}
        required = schema.get("required", [])
        closed = schema.get("additionalProperties", True) is False

        def obj(v, properties=properties, required=required, closed=closed):
            if not isinstance(v, dict):
                return True
            for name in required:
                if name not in v:
                    return False
            for name, item in v.items():
                check = properties.get(name)
                if check is None:
                    if closed:
                        return False
                elif not check(item):
                    return False
            return True

        checks.append(obj)
    if {"items", "minItems", "uniqueItems"} & set(schema):
        item_check = compile_schema(schema["items"], root) if "items" in schema else None
        minimum = schema.get("minItems", 0)
        unique = schema.get("uniqueItems", False)

        def array(v, item_check=item_check, minimum=minimum, unique=unique):
            if not isinstance(v, list):
                return True
            if len(v) < minimum:
                return False
            if unique:
                for i, a in enumerate(v):
                    if any(_same(a, b) for b in v[i + 1 :]):
                        return False
            return item_check is None or all(item_check(x) for x in v)

        checks.append(array)
    if "anyOf" in schema:
        options = [compile_schema(s, root) for s in schema["anyOf"]]
        checks.append(lambda v, options=options: any(o(v) for o in options))
    if len(checks) == 1:
        return checks[0]
    return lambda v, checks=checks: all(c(v) for c in checks)
