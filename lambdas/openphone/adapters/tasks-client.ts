import { pageOf, type Page } from '../domain/openphone-api';
import {
  newTask,
  task,
  taskFilters,
  taskWritten,
  type NewTask,
  type Task,
  type TaskFilters,
  type TaskWritten,
} from '../domain/tasks';
import type { OpenPhoneTransport } from './openphone-transport';
import { dataOf, validParameters } from './request-parameters';

/** OpenPhone's tasks (`/v1/tasks`): create one on a conversation, and list a conversation's tasks. */
export class TasksClient {
  constructor(private readonly transport: OpenPhoneTransport) {}

  /** POST /v1/tasks: not repeated once it may have reached OpenPhone (a second task would be made). */
  async create(input: NewTask): Promise<TaskWritten> {
    const body = validParameters('createTask', newTask, input);
    const written = await this.transport.request({
      method: 'POST',
      path: '/v1/tasks',
      body,
      schema: dataOf(taskWritten),
      notIdempotent: true,
    });
    return written.data;
  }

  /** One page of tasks, newest first as OpenPhone orders them; `nextPageToken` null on the last. */
  async listPage(filters: TaskFilters = {}): Promise<Page<Task>> {
    const query = validParameters('listTasks', taskFilters, filters);
    const page = await this.transport.request({
      method: 'GET',
      path: '/v1/tasks',
      query,
      schema: pageOf(task),
    });
    return { data: page.data, nextPageToken: page.nextPageToken === '' ? null : page.nextPageToken };
  }
}
