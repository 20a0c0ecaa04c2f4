/**
 * Our human steps are job-based user tasks: the inbox bridge (domain/inbox/jobs/user-task.ts)
 * takes their jobs, and their form is `formKey="app:<id>"`. camunda-bpmn-js-behaviors marks every
 * new user task as a Zeebe user task (<zeebe:userTask/>), which creates no job and turns formKey
 * into an external reference; this module replaces that behaviour with nothing. It must be listed
 * after the camunda-cloud behaviors module.
 */
class KeepJobWorkerUserTasks {}

export default {
  createZeebeUserTaskBehavior: ['type', KeepJobWorkerUserTasks],
};
