/**
 * Experiments: the list, newest first, and a form that creates a Draft
 * (name, control, treatment, allocation), confirmed before it is sent.
 */
import { useState } from 'preact/hooks';
import { api, post } from '../api.ts';
import type { Experiment } from '../types.ts';
import { Confirm, Empty, Show, time, useApi, VersionSelect } from '../ui.tsx';

const CreateForm = ({
  versions,
  created,
}: {
  versions: string[];
  created: (id: string) => void;
}) => {
  const [name, setName] = useState('');
  const [control, setControl] = useState(versions[0] ?? '');
  const [treatment, setTreatment] = useState(versions[versions.length - 1] ?? '');
  const [allocation, setAllocation] = useState('50/50');
  const [minimum, setMinimum] = useState('100');
  const [asking, setAsking] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const create = async () => {
    setAsking(false);
    try {
      const e = await post<Experiment>('/api/experiments', {
        name,
        control_version: control,
        treatment_version: treatment,
        traffic_allocation: allocation,
        minimum_documents_per_arm: Number(minimum),
      });
      created(e.id);
    } catch (error) {
      setFailure(error instanceof Error ? error.message : 'Not created.');
    }
  };
  return (
    <form
      class="card"
      aria-labelledby="create-title"
      onSubmit={(e) => {
        e.preventDefault();
        setFailure(null);
        setAsking(true);
      }}
    >
      <h2 id="create-title">New experiment</h2>
      <div class="filters">
        <label>
          Name
          <input required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <VersionSelect label="Control" value={control} versions={versions} onChange={setControl} />
        <VersionSelect
          label="Treatment"
          value={treatment}
          versions={versions}
          onChange={setTreatment}
        />
        <label>
          Traffic
          <select value={allocation} onChange={(e) => setAllocation(e.currentTarget.value)}>
            {['50/50', '80/20', '95/5'].map((v) => (
              <option key={v}>{v}</option>
            ))}
          </select>
        </label>
        <label>
          Minimum documents per arm
          <input
            type="number"
            min="8"
            value={minimum}
            onInput={(e) => setMinimum(e.currentTarget.value)}
          />
        </label>
        <button type="submit" class="primary">
          Create
        </button>
      </div>
      {failure && <p role="alert">{failure}</p>}
      {asking && (
        <Confirm
          title={`Create the Draft "${name}"?`}
          confirmLabel="Create"
          onConfirm={() => void create()}
          onCancel={() => setAsking(false)}
        >
          <p>
            {control} (control) against {treatment} (treatment), {allocation}. It serves no traffic
            until it is started.
          </p>
        </Confirm>
      )}
    </form>
  );
};

export const ExperimentsPage = () => {
  const list = useApi(() => api<{ experiments: Experiment[] }>('/api/experiments'), []);
  const prompts = useApi(
    () => api<{ versions: Array<{ version: string }> }>('/api/prompts/versions'),
    [],
  );
  return (
    <section aria-labelledby="experiments-title">
      <h1 id="experiments-title">Experiments</h1>
      {prompts.data && (
        <CreateForm
          versions={prompts.data.versions.map((v) => v.version)}
          created={(id) => {
            location.hash = `#/experiments/${id}`;
          }}
        />
      )}
      <Show state={list} what="experiments">
        {(l) =>
          l.experiments.length === 0 ? (
            <Empty>No experiments yet: create one above.</Empty>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Status</th>
                  <th scope="col">Control</th>
                  <th scope="col">Treatment</th>
                  <th scope="col">Traffic</th>
                  <th scope="col">Primary metric</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {l.experiments.map((e) => (
                  <tr key={e.id}>
                    <th scope="row">
                      <a href={`#/experiments/${e.id}`}>{e.name}</a>
                    </th>
                    <td>
                      <span class={`badge ${e.status.toLowerCase()}`}>{e.status}</span>
                    </td>
                    <td>{e.control}</td>
                    <td>{e.treatment}</td>
                    <td>{e.allocation.preset}</td>
                    <td>{e.successCriteria.primaryMetric}</td>
                    <td>{time(e.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Show>
    </section>
  );
};
