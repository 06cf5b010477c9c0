/**
 * Builds one UpdateItem expression from named parts, numbering placeholders as it goes, so no
 * caller writes `#n0`/`:v0` by hand and attribute names never clash with reserved words.
 */
export class UpdateExpressionBuilder {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  readonly conditions: string[] = [];
  private readonly sets: string[] = [];
  private readonly adds: string[] = [];
  private readonly removes: string[] = [];
  private count = 0;

  name(attribute: string): string {
    const existing = Object.entries(this.names).find(([, n]) => n === attribute);
    if (existing) return existing[0];
    const placeholder = `#n${this.count++}`;
    this.names[placeholder] = attribute;
    return placeholder;
  }

  value(value: unknown): string {
    const placeholder = `:v${this.count++}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  /** SET attribute = value; returns both placeholders for use in the condition. */
  set(attribute: string, value: unknown): { name: string; value: string } {
    const placeholders = { name: this.name(attribute), value: this.value(value) };
    this.sets.push(`${placeholders.name} = ${placeholders.value}`);
    return placeholders;
  }

  setIfAbsent(attribute: string, value: unknown): void {
    const name = this.name(attribute);
    this.sets.push(`${name} = if_not_exists(${name}, ${this.value(value)})`);
  }

  add(attribute: string, value: unknown): void {
    this.adds.push(`${this.name(attribute)} ${this.value(value)}`);
  }

  remove(attribute: string): void {
    this.removes.push(this.name(attribute));
  }

  /** Adds a condition; every condition added must hold (AND). */
  when(condition: string): void {
    this.conditions.push(condition);
  }

  expression(): string {
    return [
      this.sets.length ? `SET ${this.sets.join(', ')}` : '',
      this.adds.length ? `ADD ${this.adds.join(', ')}` : '',
      this.removes.length ? `REMOVE ${this.removes.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' ');
  }

  condition(): string | undefined {
    return this.conditions.length ? this.conditions.join(' AND ') : undefined;
  }

  /** The UpdateItem input fields this builder produced. */
  input(): {
    UpdateExpression: string;
    ConditionExpression?: string;
    ExpressionAttributeNames: Record<string, string>;
    ExpressionAttributeValues?: Record<string, unknown>;
  } {
    const condition = this.condition();
    return {
      UpdateExpression: this.expression(),
      ...(condition ? { ConditionExpression: condition } : {}),
      ExpressionAttributeNames: this.names,
      ...(Object.keys(this.values).length ? { ExpressionAttributeValues: this.values } : {}),
    };
  }
}
