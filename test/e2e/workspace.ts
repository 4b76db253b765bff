// The workspace the editor tests and the editor bench open: function files (one that succeeds, one that fails,
// one that prints 20,000 lines, one that returns 2,000 documents), payloads, and an ordinary Python file that
// is not a cloud function.

import fs from 'node:fs';
import path from 'node:path';

export const helloFunction = `def main():
    name = request.get("name", "world")
    print("saying hello to", name)
    db.create_document("greetings", {"name": name})
    return {"message": f"Hello, {name}!"}
`;

export const brokenFunction = `def main():
    total = 0
    return 10 / total
`;

export const loudFunction = `def main():
    for i in range(20000):
        print("line", i)
    return {"printed": 20000}
`;

export const manyFunction = `def main():
    return [{"id": i, "name": f"item {i}", "tags": ["a", "b"], "data": {"n": i}} for i in range(2000)]
`;

export function writeWorkspace(root: string): void {
  fs.mkdirSync(path.join(root, 'functions'), { recursive: true });
  fs.writeFileSync(path.join(root, 'functions', 'hello.py'), helloFunction);
  fs.writeFileSync(path.join(root, 'functions', 'hello.payloads.json'), JSON.stringify({ ada: { payload: { name: 'Ada' } } }, null, 2) + '\n');
  fs.writeFileSync(path.join(root, 'functions', 'broken.py'), brokenFunction);
  fs.writeFileSync(path.join(root, 'functions', 'loud.py'), loudFunction);
  fs.writeFileSync(path.join(root, 'functions', 'many.py'), manyFunction);
  fs.writeFileSync(path.join(root, 'other.py'), 'def main():\n    print("an ordinary script, not a cloud function")\n');
}
