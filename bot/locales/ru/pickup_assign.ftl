## Организатор назначает пункты выдачи заказам покупки (handlers/organizer/pickup.py).

pickup-assign-button-open = 📍 Пункты выдачи{ $unassigned ->
    [0] {""}
   *[other] { " " }(без пункта: { $unassigned })
}
pickup-assign-button-orders = « К заказам
pickup-assign-button-back = « К пунктам выдачи
pickup-assign-button-all = Всех без пункта → { $point }
pickup-assign-button-yes = Да, назначить
pickup-assign-button-no = Нет

pickup-assign-title =
    Пункты выдачи заказов «{ $title }»: заказов { $total }, без пункта — { $unassigned }.
    Нажмите заказ, чтобы выбрать ему пункт. Страница { $page } из { $pages }:
pickup-assign-entry = { $number }. { $order } · { $buyer } · { $pickup }
pickup-assign-choose = Заказ { $order } ({ $buyer }) в «{ $title }»: где забирать? ✓ — пункт сейчас.
pickup-assign-same = Заказ { $order } и так в пункте «{ $point }».
pickup-assign-done = Готово: заказ { $order } ({ $buyer }) — пункт «{ $point }». Покупателю отправлено уведомление.
pickup-assign-all-confirm =
    Назначить { $count } { $count ->
        [one] заказу
       *[other] заказам
    } без пункта выдачи пункт
    { $point }?
    Покупатели ({ $buyers }) получат уведомление.
pickup-assign-all-done = Готово: пункт «{ $point }» назначен { $count } { $count ->
    [one] заказу
   *[other] заказам
}. Уведомлено покупателей: { $buyers }.
pickup-assign-none-unassigned = Заказов без пункта выдачи в этой покупке нет.
pickup-assign-no-orders = В покупке «{ $title }» нет заказов — назначать пункты некому.
pickup-assign-no-points = У вас нет действующих пунктов выдачи. Добавить — /organizer → «Пункты выдачи».
pickup-assign-purchase-over = Покупка «{ $title }» в статусе «{ $status }» — пункты выдачи больше не меняются.
pickup-assign-point-unknown = Такого пункта выдачи среди ваших действующих нет. Выберите пункт кнопкой из последнего сообщения.
pickup-assign-order-unknown = Такого действующего заказа в этой покупке нет. Заказы покупки — в списке заказов.

pickup-assign-notify =
    📍 Покупка «{ $title }»: организатор назначил пункт выдачи { $count ->
        [one] заказа
       *[other] заказов
    } { $numbers }:
    { $point }
