"""One-time migration: writes each official method's signature (sync, parameter names, runtime parameter check of
@tencentcloud/chat 3.6.6, as read into shared/reference/methods.json) into its `(chatwire.v1.facade)` or
`(chatwire.v1.client_method)` option. Idempotent: options that already carry a signature are left alone."""
import json, pathlib, re, sys

root = pathlib.Path(__file__).resolve().parents[2]
methods = json.loads(pathlib.Path(sys.argv[1]).read_text())

def rule_text(rule, positional):
    parts = [f'name: "{rule["name"]}"', f'type: "{rule["type"]}"']
    if rule.get("required"): parts.append("required: true")
    if rule.get("hasCustomValidator"): parts.append("has_custom_validator: true")
    return "{" + " ".join(parts) + "}"

def signature(name, indent):
    m = methods[name]
    pad = " " * (indent + 2)
    lines = [f"{' ' * indent}signature: {{"]
    if m["sync"]: lines.append(f"{pad}sync: true")
    for p in m["params"]: lines.append(f'{pad}params: "{p}"')
    schema = m["schema"]
    if isinstance(schema, list):
        lines.append(f"{pad}positional_rules: true")
        for i, r in enumerate(schema):
            lines.append(f"{pad}param_rules: {rule_text({**r, 'name': r.get('name') or m['params'][i]}, True)}")
    elif isinstance(schema, dict):
        for k, r in schema.items(): lines.append(f"{pad}param_rules: {rule_text({**r, 'name': k}, False)}")
    lines.append(f"{' ' * indent}}}")
    return lines

seen = set()
for path in sorted((root / "proto/chatwire/v1").glob("*.proto")):
    lines = path.read_text().split("\n")
    out = []
    i = 0
    changed = False
    while i < len(lines):
        line = lines[i]
        if re.search(r"\(chatwire\.v1\.(facade|client_method)\) = \{\s*$", line):
            block = [line]
            depth = line.count("{") - line.count("}")
            i += 1
            while depth > 0:
                block.append(lines[i])
                depth += lines[i].count("{") - lines[i].count("}")
                i += 1
            text = "\n".join(block)
            name = re.search(r'(?:method|name): "(\w+)"', text).group(1)
            seen.add(name)
            if "signature:" not in text:
                closing = block[-1]
                indent = len(block[1]) - len(block[1].lstrip())
                block = block[:-1] + signature(name, indent) + [closing]
                changed = True
            out.extend(block)
            continue
        out.append(line)
        i += 1
    if changed: path.write_text("\n".join(out))
missing = set(methods) - seen
print("methods with a signature:", len(seen), "missing:", sorted(missing))
