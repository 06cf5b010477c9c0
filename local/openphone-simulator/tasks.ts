import { randomHex, type Random } from './prng';

/** A task as the simulator stores it; `taskResource` is what the API shows. */
export interface TaskRecord {
  readonly id: string;
  title: string;
  description: string | null;
  dueDateMs: number | null;
  assignedTo: string | null;
  readonly createdBy: string | null;
  readonly createdAtMs: number;
  updatedAtMs: number;
  completed: boolean;
  isDeleted: boolean;
  revision: number;
  readonly conversationId: string | null;
  readonly phoneNumberId: string | null;
  readonly activityId: string | null;
}

export type NewTaskRecord = Pick<
  TaskRecord,
  'title' | 'description' | 'dueDateMs' | 'assignedTo' | 'conversationId' | 'phoneNumberId' | 'activityId'
>;

const iso = (ms: number) => new Date(ms).toISOString();

/** The simulated workspace's tasks (Quo's v1 `/v1/tasks`), kept in memory, newest first. */
export class SimulatedTasks {
  private readonly byId = new Map<string, TaskRecord>();

  constructor(
    private readonly random: Random,
    private readonly clock: () => number,
  ) {}

  create(task: NewTaskRecord): TaskRecord {
    const now = this.clock();
    const record: TaskRecord = {
      ...task,
      id: `TK${randomHex(this.random, 32)}`,
      createdBy: null,
      createdAtMs: now,
      updatedAtMs: now,
      completed: false,
      isDeleted: false,
      revision: 1,
    };
    this.byId.set(record.id, record);
    return record;
  }

  get(id: string): TaskRecord | undefined {
    return this.byId.get(id);
  }

  /** Every task not deleted, newest first (ties by id): a stable order for paging. */
  list(filter: { conversationId?: string } = {}): TaskRecord[] {
    return [...this.byId.values()]
      .filter((t) => !t.isDeleted && (!filter.conversationId || t.conversationId === filter.conversationId))
      .sort((a, b) => b.createdAtMs - a.createdAtMs || (a.id < b.id ? 1 : -1));
  }
}

/** A task as `GET /v1/tasks` shows it (v1: `completed` and a string `revision`). */
export function taskResource(task: TaskRecord) {
  return {
    taskId: task.id,
    title: task.title,
    description: task.description,
    dueDate: task.dueDateMs === null ? null : iso(task.dueDateMs),
    assignedTo: task.assignedTo,
    assignedBy: null,
    createdBy: task.createdBy,
    createdAt: iso(task.createdAtMs),
    updatedAt: iso(task.updatedAtMs),
    completed: task.completed,
    isDeleted: task.isDeleted,
    revision: String(task.revision),
    conversationId: task.conversationId,
    phoneNumberId: task.phoneNumberId,
    activityId: task.activityId,
  };
}
